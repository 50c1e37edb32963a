import type { SyncRecord } from '../../protocol/index.ts';
import { SyncError } from '../../protocol/index.ts';
import { assertRecordId, jsonProblem } from '../../protocol/storable-values.ts';
import { uuidv7 } from '../../protocol/uuidv7.ts';
import type { Idempotency, PlannedWrite, WriteAnswer, WriteBatcher, WriteOptions } from './write-batcher.ts';

type Fields = Record<string, unknown>;

/** Creates a record (assigning a UUIDv7 id if absent) and queues its `create`. */
export async function createRecord(
  writer: WriteBatcher,
  collection: string,
  fields: Fields,
  idempotency?: Idempotency,
): Promise<WriteAnswer> {
  const id = fields.id ?? uuidv7();
  assertRecordId(id);
  assertStorable(collection, id, fields);
  return writer.write(
    collection,
    id,
    (current) => {
      if (current)
        throw new SyncError('already_exists', `${collection}/${id} already exists; use PUT or PATCH to change it`);
      return creation(fields, id);
    },
    { idempotency },
  );
}

/** Replaces a record's fields and queues an `update` carrying the whole record. */
export async function replaceRecord(
  writer: WriteBatcher,
  collection: string,
  id: string,
  fields: Fields,
  idempotency?: Idempotency,
): Promise<WriteAnswer> {
  assertSameId(id, fields);
  assertStorable(collection, id, fields);
  return writer.write(collection, id, (current) => replacement(requireRecord(current, collection, id), fields, id), {
    idempotency,
  });
}

/** Creates the record, or replaces it if it exists (the collection API's `put`), decided inside the write. */
export async function putRecord(
  writer: WriteBatcher,
  collection: string,
  id: string,
  fields: Fields,
  options: WriteOptions = {},
): Promise<WriteAnswer> {
  assertRecordId(id);
  assertSameId(id, fields);
  assertStorable(collection, id, fields);
  return writer.write(
    collection,
    id,
    (current) => (current ? replacement(current, fields, id) : creation(fields, id)),
    options,
  );
}

/** Merges fields into a record and queues an `update` carrying only those fields. */
export async function patchRecord(
  writer: WriteBatcher,
  collection: string,
  id: string,
  fields: Fields,
  idempotency?: Idempotency,
): Promise<WriteAnswer> {
  assertSameId(id, fields);
  assertStorable(collection, id, fields);
  return writer.write(
    collection,
    id,
    (current) => {
      const existing = requireRecord(current, collection, id);
      const data = withoutServerFields(fields);
      delete data.id;
      return {
        record: { ...existing, ...data },
        mutation: { op: 'update', data, baseVersion: existing._version ?? null },
      };
    },
    { idempotency },
  );
}

/** Deletes a record and queues its `delete`; `ifExists` makes a missing record a no-op instead of `not_found`. */
export async function deleteRecord(
  writer: WriteBatcher,
  collection: string,
  id: string,
  { ifExists = false, ...options }: WriteOptions & { ifExists?: boolean } = {},
): Promise<WriteAnswer> {
  return writer.write(
    collection,
    id,
    (current) => {
      if (!current && ifExists) return null;
      const existing = requireRecord(current, collection, id);
      return { record: null, mutation: { op: 'delete', baseVersion: existing._version ?? null } };
    },
    options,
  );
}

function creation(fields: Fields, id: string): PlannedWrite {
  const record = { ...withoutServerFields(fields), id };
  return { record, mutation: { op: 'create', data: record, baseVersion: null } };
}

function replacement(existing: SyncRecord, fields: Fields, id: string): PlannedWrite {
  const data = { ...withoutServerFields(fields), id };
  return {
    record: withVersionOf(existing, data),
    mutation: { op: 'update', data, replace: true, baseVersion: existing._version ?? null },
  };
}

function requireRecord(record: SyncRecord | undefined, collection: string, id: string): SyncRecord {
  if (!record) throw new SyncError('not_found', `${collection}/${id} does not exist`);
  return record;
}

/** `_version` and other `_`-prefixed fields belong to the server; `$k` holds the worker's index keys. */
function withoutServerFields(fields: Fields): Fields {
  return Object.fromEntries(Object.entries(fields).filter(([key]) => !key.startsWith('_') && key !== '$k'));
}

function withVersionOf(existing: SyncRecord, record: SyncRecord): SyncRecord {
  return existing._version === undefined ? record : { ...record, _version: existing._version };
}

/**
 * Refuses at once, before anything is queued, values the server could never store (NUL,
 * unpaired surrogates, numbers out of range, nesting deeper than 64 levels): queued, they would
 * only come back rejected.
 */
function assertStorable(collection: string, id: string, fields: Fields): void {
  const problem = jsonProblem(fields, `${collection}/${id}`);
  if (problem) throw problem;
}

function assertSameId(id: string, fields: Fields): void {
  if (fields.id !== undefined && fields.id !== id) {
    throw new SyncError('invalid_id', `The body's id "${String(fields.id)}" differs from the URL's id "${id}"`);
  }
}
