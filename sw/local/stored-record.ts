import type { SyncRecord } from '../../protocol/index.ts';
import { SyncError } from '../../protocol/index.ts';
import { sortKeyOf, valueAt } from '../../protocol/sort-key.ts';

/**
 * Records are stored with their index keys beside them under `$k`, mirroring the indexed paths
 * (`$k.done`, `$k.author.name`): IndexedDB cannot index booleans or null, so each indexed value
 * is stored as its sort key (see `protocol/sort-key.ts`). Nothing outside `sw/local/` sees `$k`.
 */
const KEYS_FIELD = '$k';

/** A declared index of a collection: one field, or a compound of several (`[done+createdAt]`). */
export interface IndexSpec {
  /** As declared in the worker config. */
  name: string;
  fields: string[];
  /** The Dexie schema part that creates it. */
  schema: string;
}

const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Parses a collection's declared indexes (`'done'`, `'[done+createdAt]'`). Throws `invalid_query` on a malformed one. */
export function parseIndexes(collection: string, declared: readonly string[]): IndexSpec[] {
  const specs = declared.map((name) => {
    const isCompound = name.startsWith('[') && name.endsWith(']');
    const fields = isCompound ? name.slice(1, -1).split('+') : [name];
    if (fields.some((field) => !FIELD_PATH.test(field) || field === 'id') || (isCompound && fields.length < 2)) {
      throw new SyncError(
        'invalid_query',
        `Index "${name}" of ${collection} is malformed: use "field", "a.b" or "[a+b]" (id is always indexed)`,
      );
    }
    const paths = fields.map((field) => `${KEYS_FIELD}.${field}`);
    return { name, fields, schema: isCompound ? `[${paths.join('+')}]` : (paths[0] as string) };
  });
  return [...new Map(specs.map((spec) => [spec.name, spec])).values()];
}

/** The Dexie store definition of a collection: primary key `id` plus its indexes. */
export function storeSchema(indexes: readonly IndexSpec[]): string {
  return ['id', ...indexes.map((index) => index.schema)].join(', ');
}

/** The fields any of these indexes covers. */
export function indexedFields(indexes: readonly IndexSpec[]): string[] {
  return [...new Set(indexes.flatMap((index) => index.fields))];
}

/** The stored form of a record: the record plus the sort keys of its indexed fields. */
export function toStored(record: SyncRecord, fields: readonly string[]): SyncRecord {
  if (fields.length === 0) return record;
  const keys: Record<string, unknown> = {};
  for (const field of fields) setPath(keys, field, sortKeyOf(valueAt(record, field)));
  return { ...record, [KEYS_FIELD]: keys };
}

/** The record as the app sees it. */
export function fromStored(stored: SyncRecord): SyncRecord {
  if (!(KEYS_FIELD in stored)) return stored;
  const { [KEYS_FIELD]: _keys, ...record } = stored;
  return record as SyncRecord;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1] as string] = value;
}
