import { SyncError } from '../protocol/index.ts';
import { printable } from '../protocol/storable-values.ts';
import { keyOf, type RecordKey } from './records.ts';
import { clientFields, mutationProblem } from './validation.ts';
import {
  type Fields,
  isWatermelonColumn,
  isWatermelonId,
  type TableChanges,
  type WatermelonContext,
} from './watermelon-protocol.ts';

/** Reading and checking the changes object a WatermelonDB client pushes. */

/** One record of a push: its fields to write (all of them, as WatermelonDB sends), or null to delete. */
export interface RecordChange extends RecordKey {
  op: 'create' | 'update' | 'delete';
  fields: Fields | null;
}

/**
 * Waits for the event loop to take in what arrived meanwhile. Chained database work settles in
 * promise callbacks alone (PGlite runs in this thread), so without this wait no request, not even
 * `/health`, would be read until the whole push is done.
 */
export const letOthersIn = () => new Promise((resolve) => setImmediate(resolve));

/** Records checked between two yields to the event loop, so a large push never stalls other requests. */
const CHECKS_PER_TURN = 1000;

/**
 * Checks a whole push before anything is written; a malformed one is refused with a 400 and
 * nothing applied. Fields that are no valid WatermelonDB column, or that the collection's schema
 * does not know, are dropped (WatermelonDB sends all its columns, local ones too); `_status` and
 * `_changed` too. A record named twice counts as its last mention.
 */
export async function parseChanges(context: WatermelonContext, body: unknown): Promise<RecordChange[]> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SyncError(
      'invalid_body',
      'The body must be the changes object: { table: { created, updated, deleted } }',
    );
  }
  const changes = new Map<string, RecordChange>();
  let checked = 0;
  for (const [collection, table] of Object.entries(body as Record<string, Partial<TableChanges>>)) {
    if (!context.collections.isKnown(collection)) {
      throw new SyncError('unknown_collection', `Unknown collection "${printable(collection)}"`);
    }
    const { created = [], updated = [], deleted = [] } = table ?? {};
    if (![created, updated, deleted].every(Array.isArray)) {
      throw new SyncError('invalid_body', `${printable(collection)}: created, updated and deleted must be arrays`);
    }
    const entries = [
      ...created.map((record) => ['create', record] as const),
      ...updated.map((record) => ['update', record] as const),
      ...deleted.map((id) => ['delete', id] as const),
    ];
    for (const [op, entry] of entries) {
      if (++checked % CHECKS_PER_TURN === 0) await letOthersIn();
      const change = checkedChange(context, collection, op, entry);
      changes.set(keyOf(change), change);
    }
  }
  return [...changes.values()];
}

function checkedChange(
  context: WatermelonContext,
  collection: string,
  op: RecordChange['op'],
  entry: unknown,
): RecordChange {
  const isRecord = op !== 'delete';
  // A created or updated entry that is no object has no id either.
  const isObject = typeof entry === 'object' && entry !== null && !Array.isArray(entry);
  const id = isRecord ? (isObject ? (entry as { id?: unknown }).id : undefined) : entry;
  if (!isWatermelonId(id)) {
    throw new SyncError(
      'invalid_id',
      `${collection}: record id "${printable(id)}" must be 1-200 letters, digits, "_", "-" or "." (the characters WatermelonDB's ids may hold)`,
    );
  }
  const fields = isRecord ? columnsOf(context, collection, entry as Fields) : null;
  const problem = mutationProblem(
    {
      seq: 1,
      id: 'watermelon',
      collection,
      op,
      recordId: id,
      baseVersion: null,
      at: 0,
      ...(fields ? { data: fields } : {}),
    },
    context.collections,
    context.maxRecordBytes,
  );
  if (problem) throw problem;
  return { collection, id, op, fields };
}

/** The record's fields the server keeps: valid column names the collection accepts. */
function columnsOf(context: WatermelonContext, collection: string, record: Fields): Fields {
  const fields: Fields = {};
  for (const [column, value] of Object.entries(clientFields(record))) {
    if (isWatermelonColumn(column) && context.collections.knowsField(collection, column)) fields[column] = value;
  }
  return fields;
}
