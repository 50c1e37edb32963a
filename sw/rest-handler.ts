import { httpStatusOf, type LocalWriteResult, SyncError } from '../protocol/index.ts';
import type { SyncDatabase } from './local/database.ts';
import { applyListQuery, parseListQuery } from './list-query.ts';
import { createRecord, deleteRecord, patchRecord, replaceRecord } from './local/local-writes.ts';
import { countPendingFor } from './local/outbox.ts';
import type { RestMatch } from './rest-router.ts';
import type { UserSpace } from './user-space.ts';

/** Largest request body the worker accepts for one record. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Answers an intercepted REST request from local data (DESIGN.md section 3). A `network-first`
 * read first lets a sync run bring in the server's changes, waiting at most `networkTimeoutMs`.
 */
export async function handleRestRequest(
  request: Request,
  match: RestMatch,
  space: UserSpace,
  networkTimeoutMs: number,
): Promise<Response> {
  try {
    if (match.strategy === 'network-first' && request.method.toUpperCase() === 'GET') {
      await Promise.race([
        space.scheduler.request({ force: true }),
        new Promise((resolve) => setTimeout(resolve, networkTimeoutMs)),
      ]);
    }
    return await route(request, match, space.db);
  } catch (error) {
    const syncError = asSyncError(error);
    if (syncError.code === 'quota_exceeded') space.noteStorageError(syncError);
    return json(syncError.toWire(), httpStatusOf(syncError.code));
  }
}

async function route(request: Request, { collection, id }: RestMatch, db: SyncDatabase): Promise<Response> {
  const method = request.method.toUpperCase();
  if (id === null) {
    if (method === 'GET') return listRecords(request, collection, db);
    if (method === 'POST') return written(await createRecord(db, collection, await readJsonObject(request)), 201);
    throw new SyncError('method_not_allowed', `${method} is not allowed on a collection; use GET or POST`);
  }
  switch (method) {
    case 'GET':
      return getRecord(collection, id, db);
    case 'PUT':
      return written(await replaceRecord(db, collection, id, await readJsonObject(request)), 200);
    case 'PATCH':
      return written(await patchRecord(db, collection, id, await readJsonObject(request)), 200);
    case 'DELETE':
      return written(await deleteRecord(db, collection, id), 204);
    default:
      throw new SyncError('method_not_allowed', `${method} is not allowed on a record; use GET, PUT, PATCH or DELETE`);
  }
}

async function listRecords(request: Request, collection: string, db: SyncDatabase): Promise<Response> {
  const query = parseListQuery(new URL(request.url).searchParams);
  const records = applyListQuery(await db.records(collection).toArray(), query);
  return json(records, 200, { 'X-Total-Count': String(records.length) });
}

async function getRecord(collection: string, id: string, db: SyncDatabase): Promise<Response> {
  const record = await db.records(collection).get(id);
  if (!record) throw new SyncError('not_found', `${collection}/${id} does not exist`);
  return json(record, 200, { 'X-Sync-Pending': String(await countPendingFor(db, collection, id)) });
}

function written({ record, pending }: LocalWriteResult, status: number): Response {
  const headers = { 'X-Sync-Pending': String(pending) };
  return status === 204 ? new Response(null, { status, headers }) : json(record, status, headers);
}

async function readJsonObject(request: Request): Promise<Record<string, unknown>> {
  const text = await request.text();
  if (new TextEncoder().encode(text).length > MAX_BODY_BYTES) {
    throw new SyncError('payload_too_large', `The body exceeds ${MAX_BODY_BYTES} bytes`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new SyncError('invalid_json', 'The request body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SyncError('invalid_body', 'The request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

function asSyncError(error: unknown): SyncError {
  if (error instanceof SyncError) return error;
  const names = [(error as Error | null)?.name, (error as { inner?: Error } | null)?.inner?.name];
  if (names.includes('QuotaExceededError')) {
    return new SyncError('quota_exceeded', 'The browser has no storage left for this site; free some space and retry');
  }
  return new SyncError('internal_error', `Local database error: ${String(error)}`);
}

function json(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}
