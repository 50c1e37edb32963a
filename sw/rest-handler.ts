import { httpStatusOf, SyncError } from '../protocol/index.ts';
import { createRecord, deleteRecord, patchRecord, replaceRecord } from './local/local-writes.ts';
import { countPendingFor } from './local/outbox.ts';
import { listRecords } from './local/record-lists.ts';
import type { Idempotency, WriteAnswer } from './local/write-batcher.ts';
import type { RestMatch } from './rest-router.ts';
import type { UserSpace } from './user-space.ts';

/** Largest request body the worker accepts for one record. */
const MAX_BODY_BYTES = 1024 * 1024;

/** The request header that makes a write safe to dispatch again (IETF draft "The Idempotency-Key HTTP Header Field"). */
const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/**
 * Answers an intercepted REST request from local data, json-server style. A `network-first`
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
    return await route(request, match, space);
  } catch (error) {
    const syncError = asSyncError(error);
    if (syncError.code === 'quota_exceeded') space.noteStorageError(syncError);
    return errorResponse(syncError);
  }
}

/** The `{error:{code,message}}` answer for a failure, with its code's status. */
export function errorResponse(error: unknown): Response {
  const syncError = asSyncError(error);
  return json(syncError.toWire(), httpStatusOf(syncError.code));
}

async function route(request: Request, { collection, id }: RestMatch, space: UserSpace): Promise<Response> {
  const method = request.method.toUpperCase();
  const { writer, db } = space;
  if (id === null) {
    if (method === 'GET') return list(request, collection, space);
    if (method === 'POST') {
      const { body, idempotency } = await readWrite(request, 201);
      return written(await createRecord(writer, collection, body, idempotency), 201);
    }
    throw new SyncError('method_not_allowed', `${method} is not allowed on a collection; use GET or POST`);
  }
  switch (method) {
    case 'GET': {
      const [record, pending] = await Promise.all([
        db.records(collection).get(id),
        countPendingFor(db, collection, id),
      ]);
      if (!record) throw new SyncError('not_found', `${collection}/${id} does not exist`);
      return json(record, 200, { 'X-Sync-Pending': String(pending) });
    }
    case 'PUT': {
      const { body, idempotency } = await readWrite(request, 200);
      return written(await replaceRecord(writer, collection, id, body, idempotency), 200);
    }
    case 'PATCH': {
      const { body, idempotency } = await readWrite(request, 200);
      return written(await patchRecord(writer, collection, id, body, idempotency), 200);
    }
    case 'DELETE': {
      const idempotency = idempotencyOf(request, '', 204);
      return written(await deleteRecord(writer, collection, id, { idempotency }), 204);
    }
    default:
      throw new SyncError('method_not_allowed', `${method} is not allowed on a record; use GET, PUT, PATCH or DELETE`);
  }
}

async function list(request: Request, collection: string, space: UserSpace): Promise<Response> {
  const url = new URL(request.url);
  const { records, total, link } = await listRecords(space, collection, url);
  return json(records, 200, { 'X-Total-Count': String(total), ...(link ? { Link: link } : {}) });
}

function written({ record, pending, status, isReplay }: WriteAnswer, fallbackStatus: number): Response {
  const headers: Record<string, string> = { 'X-Sync-Pending': String(pending) };
  if (isReplay) headers['Idempotent-Replayed'] = 'true';
  const answerStatus = status ?? fallbackStatus;
  return answerStatus === 204
    ? new Response(null, { status: answerStatus, headers })
    : json(record, answerStatus, headers);
}

/** A write's JSON object body and its idempotency, if the request carries a key. */
async function readWrite(
  request: Request,
  status: number,
): Promise<{ body: Record<string, unknown>; idempotency: Idempotency | undefined }> {
  const text = await request.text();
  // A UTF-16 unit is at most 3 UTF-8 bytes: only a long body needs encoding to be measured.
  if (text.length * 3 > MAX_BODY_BYTES && new TextEncoder().encode(text).length > MAX_BODY_BYTES) {
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
  return { body: body as Record<string, unknown>, idempotency: idempotencyOf(request, text, status) };
}

function idempotencyOf(request: Request, body: string, status: number): Idempotency | undefined {
  const key = request.headers.get(IDEMPOTENCY_KEY_HEADER);
  if (key === null) return undefined;
  if (key.length === 0 || key.length > 255) {
    throw new SyncError('invalid_header', `${IDEMPOTENCY_KEY_HEADER} must be 1 to 255 characters (a UUID is ideal)`);
  }
  const { pathname } = new URL(request.url);
  return { key, fingerprint: `${request.method.toUpperCase()} ${pathname} ${hashOf(body)}`, status };
}

/** FNV-1a: a key reused with another body is told apart without storing the body. */
function hashOf(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return `${text.length}:${(hash >>> 0).toString(16)}`;
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
