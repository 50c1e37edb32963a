/**
 * The order of field values, shared by IndexedDB indexes and in-memory evaluation so that a
 * query answers the same records whether the worker walks an index or scans.
 *
 * IndexedDB orders numbers before strings before arrays, and cannot index booleans, null or
 * missing values at all. So every indexed value is stored as its sort key: numbers and strings
 * as they are, `false` and `true` as `[0]` and `[1]`, and anything else (null, missing, objects,
 * arrays) as `[2]`, which sorts after everything, like PostgreSQL's default `NULLS LAST` (yet
 * below Dexie's `maxKey`, `[[]]`, which bounds compound ranges). Each kind keeps keys of its
 * own, so an index tells `false` from `0` and `"false"`.
 */
export type SortKeyValue = number | string | [0] | [1] | [2];

/** Which kind of value a sort key holds, in the order kinds sort. */
export type SortKeyKind = 'number' | 'string' | 'boolean' | 'none';

const FALSE: [0] = [0];
const TRUE: [1] = [1];
const NONE: [2] = [2];

/** The key a field value is indexed and ordered by. */
export function sortKeyOf(value: unknown): SortKeyValue {
  if (typeof value === 'number') return Number.isFinite(value) ? value : NONE;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? TRUE : FALSE;
  return NONE;
}

export function kindOf(key: SortKeyValue): SortKeyKind {
  if (typeof key === 'number') return 'number';
  if (typeof key === 'string') return 'string';
  return key[0] === 2 ? 'none' : 'boolean';
}

const RANKS: Record<SortKeyKind, number> = { number: 0, string: 1, boolean: 2, none: 3 };

/** Compares two sort keys in IndexedDB key order: numbers, strings (by code unit), `false`, `true`, then none. */
export function compareSortKeys(a: SortKeyValue, b: SortKeyValue): number {
  const kindA = kindOf(a);
  const kindB = kindOf(b);
  if (kindA !== kindB) return RANKS[kindA] - RANKS[kindB];
  const [x, y] = kindA === 'boolean' || kindA === 'none' ? [(a as [number])[0], (b as [number])[0]] : [a, b];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The value at a dot path (`author.name`), or undefined. */
export function valueAt(record: Record<string, unknown>, path: string): unknown {
  if (!path.includes('.')) return record[path];
  let value: unknown = record;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
