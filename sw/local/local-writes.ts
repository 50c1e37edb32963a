import type { LocalWriteResult, SyncRecord } from '../../protocol/index.ts';
import { SyncError } from '../../protocol/index.ts';
import type { SyncDatabase } from './database.ts';
import { countPendingFor, enqueueMutation, type NewMutation } from './outbox.ts';
import { uuidv7 } from '../uuidv7.ts';

type Fields = Record<string, unknown>;

/** Creates a record (assigning a UUIDv7 id if absent) and queues its `create`. */
export async function createRecord(db: SyncDatabase, collection: string, fields: Fields): Promise<LocalWriteResult> {
  const id = fields.id ?? uuidv7();
  assertRecordId(id);
  return writeLocally(db, collection, id, (current) => {
    if (current)
      throw new SyncError('already_exists', `${collection}/${id} already exists; use PUT or PATCH to change it`);
    const record = { ...withoutServerFields(fields), id };
    return { record, mutation: { op: 'create', data: record, baseVersion: null } };
  });
}

/** Replaces a record's fields and queues an `update` carrying the whole record. */
export async function replaceRecord(
  db: SyncDatabase,
  collection: string,
  id: string,
  fields: Fields,
): Promise<LocalWriteResult> {
  assertSameId(id, fields);
  return writeLocally(db, collection, id, (current) => replacement(requireRecord(current, collection, id), fields, id));
}

/** Creates the record, or replaces it if it exists (the collection API's `put`), decided inside the write. */
export async function putRecord(
  db: SyncDatabase,
  collection: string,
  id: string,
  fields: Fields,
): Promise<LocalWriteResult> {
  assertRecordId(id);
  assertSameId(id, fields);
  return writeLocally(db, collection, id, (current) => {
    if (current) return replacement(current, fields, id);
    const record = { ...withoutServerFields(fields), id };
    return { record, mutation: { op: 'create', data: record, baseVersion: null } };
  });
}

function replacement(existing: SyncRecord, fields: Fields, id: string): PlannedWrite {
  const data = { ...withoutServerFields(fields), id };
  return {
    record: withVersionOf(existing, data),
    mutation: { op: 'update', data, replace: true, baseVersion: existing._version ?? null },
  };
}

/** Merges fields into a record and queues an `update` carrying only those fields. */
export async function patchRecord(
  db: SyncDatabase,
  collection: string,
  id: string,
  fields: Fields,
): Promise<LocalWriteResult> {
  assertSameId(id, fields);
  return writeLocally(db, collection, id, (current) => {
    const existing = requireRecord(current, collection, id);
    const data = withoutServerFields(fields);
    delete data.id;
    return {
      record: { ...existing, ...data },
      mutation: { op: 'update', data, baseVersion: existing._version ?? null },
    };
  });
}

/** Deletes a record and queues its `delete`. */
export async function deleteRecord(db: SyncDatabase, collection: string, id: string): Promise<LocalWriteResult> {
  return writeLocally(db, collection, id, (current) => {
    const existing = requireRecord(current, collection, id);
    return { record: null, mutation: { op: 'delete', baseVersion: existing._version ?? null } };
  });
}

interface PlannedWrite {
  record: SyncRecord | null;
  mutation: Omit<NewMutation, 'collection' | 'recordId' | 'before'>;
}

/** Reads the current record, then writes the new state and its outbox entry in one transaction. */
async function writeLocally(
  db: SyncDatabase,
  collection: string,
  id: string,
  plan: (current: SyncRecord | undefined) => PlannedWrite,
): Promise<LocalWriteResult> {
  const table = db.records(collection);
  return db.transaction('rw', [table, db.outbox, db.meta], async () => {
    const before = (await table.get(id)) ?? null;
    const { record, mutation } = plan(before ?? undefined);
    if (record) await table.put(record);
    else await table.delete(id);
    await enqueueMutation(db, { ...mutation, collection, recordId: id, before });
    return { record, pending: await countPendingFor(db, collection, id) };
  });
}

function requireRecord(record: SyncRecord | undefined, collection: string, id: string): SyncRecord {
  if (!record) throw new SyncError('not_found', `${collection}/${id} does not exist`);
  return record;
}

/** `_version` and other `_`-prefixed fields belong to the server; clients never send them. */
function withoutServerFields(fields: Fields): Fields {
  return Object.fromEntries(Object.entries(fields).filter(([key]) => !key.startsWith('_')));
}

function withVersionOf(existing: SyncRecord, record: SyncRecord): SyncRecord {
  return existing._version === undefined ? record : { ...record, _version: existing._version };
}

function assertRecordId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || id.length === 0 || id.length > 200) {
    throw new SyncError('invalid_id', 'A record id must be a non-empty string of at most 200 characters');
  }
}

function assertSameId(id: string, fields: Fields): void {
  if (fields.id !== undefined && fields.id !== id) {
    throw new SyncError('invalid_id', `The body's id "${String(fields.id)}" differs from the URL's id "${id}"`);
  }
}
