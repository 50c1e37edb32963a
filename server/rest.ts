import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SyncRecord } from '../protocol/index.ts';
import { SyncError } from '../protocol/index.ts';
import { evaluateQuery } from '../protocol/query-match.ts';
import { pageLinks, parseListParams } from '../protocol/query-params.ts';
import { assertRecordId, isStorableText, MAX_RECORD_ID_LENGTH } from '../protocol/storable-values.ts';
import { uuidv7 } from '../protocol/uuidv7.ts';
import type { Collections } from './collections.ts';
import { runWithin } from './deadline.ts';
import { readJsonBody, sendJson } from './http.ts';
import type { PushContext } from './push.ts';
import { readRecords, toRecord } from './records.ts';
import { applyRestWrite, checkIdempotencyKey, type RestWrite, requestFingerprint } from './rest-writes.ts';

/** A request under the REST prefix: its collection and, for `<prefix><collection>/<id>`, the record id. */
export interface RestTarget {
  collection: string;
  id: string | null;
}

/**
 * The collection and record a path names under `prefix` (`/api/` -> `/api/todos`, `/api/todos/:id`),
 * or null when the path is not a known collection's: such requests are left to the app, as the
 * worker leaves requests no route matches. The path must be decodable (`requestUrl` checked it).
 */
export function matchRestPath(pathname: string, prefix: string, collections: Collections): RestTarget | null {
  if (!pathname.startsWith(prefix)) return null;
  const [collection = '', id, ...more] = pathname.slice(prefix.length).split('/');
  if (more.length > 0 || !collections.isKnown(collection)) return null;
  return { collection, id: id ? decodeURIComponent(id) : null };
}

/**
 * Answers the worker's REST routes from the server's data, for a page the worker does not
 * control: same conventions, codes and statuses as `sw/rest-handler.ts`; writes go
 * through the push path (`applyRestWrite`).
 */
export async function handleRest(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  target: RestTarget,
  context: PushContext & { maxBodyBytes: number },
): Promise<void> {
  const method = (request.method ?? 'GET').toUpperCase();
  const { collection, id } = target;
  if (id === null) {
    if (method === 'GET') return list(response, url, collection, context);
    if (method === 'POST') {
      const fields = await readFields(request, context.maxBodyBytes);
      const recordId = fields.id ?? uuidv7();
      assertRecordId(recordId);
      return write(request, response, url, context, { kind: 'create', collection, id: recordId, fields }, fields);
    }
    throw new SyncError('method_not_allowed', `${method} is not allowed on a collection; use GET or POST`);
  }
  // No record can have an id the database cannot store: a read finds nothing, a write is refused.
  if (method !== 'GET') assertRecordId(id);
  switch (method) {
    case 'GET': {
      const stored = isStorableText(id, MAX_RECORD_ID_LENGTH)
        ? (await readRecords(context.storage, context.owner, [{ collection, id }])).values().next().value
        : undefined;
      if (!stored || stored.isDeleted) throw new SyncError('not_found', `${collection}/${id} does not exist`);
      sendJson(response, 200, toRecord(stored.id, stored.data, stored.version), { 'X-Sync-Pending': '0' });
      return;
    }
    case 'PUT':
    case 'PATCH': {
      const fields = await readFields(request, context.maxBodyBytes);
      if (fields.id !== undefined && fields.id !== id) {
        throw new SyncError('invalid_id', `The body's id "${String(fields.id)}" differs from the URL's id "${id}"`);
      }
      const kind = method === 'PUT' ? 'replace' : 'patch';
      return write(request, response, url, context, { kind, collection, id, fields }, fields);
    }
    case 'DELETE':
      return write(request, response, url, context, { kind: 'delete', collection, id, fields: {} }, undefined);
    default:
      throw new SyncError('method_not_allowed', `${method} is not allowed on a record; use GET, PUT, PATCH or DELETE`);
  }
}

/** How long a list's filtering and sorting may hold the server's thread. */
const LIST_DEADLINE_MS = 2000;

/** A list with json-server parameters, evaluated by the reference query semantics the worker's planner follows. */
async function list(response: ServerResponse, url: URL, collection: string, context: PushContext): Promise<void> {
  const { query, page } = parseListParams(url.searchParams);
  const rows = await context.storage.query<{ id: string; data: Record<string, unknown>; version: number }>(
    'SELECT id, data, version FROM syncworker_records WHERE owner = $1 AND collection = $2 AND NOT deleted',
    [context.owner, collection],
  );
  const records: SyncRecord[] = rows.map((row) => toRecord(row.id, row.data, Number(row.version)));
  const evaluated = runWithin(LIST_DEADLINE_MS, () => evaluateQuery(records, query));
  if (!evaluated) {
    throw new SyncError(
      'invalid_query',
      `The query took over ${LIST_DEADLINE_MS / 1000} s to evaluate: simplify its _like patterns (a repeated group such as (a+)+ backtracks without end)`,
    );
  }
  const { records: found, total } = evaluated.value;
  const headers: Record<string, string> = { 'X-Total-Count': String(total) };
  if (page) headers.Link = relativeLinks(pageLinks(url, page, total), url);
  sendJson(response, 200, found, headers);
}

async function write(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  context: PushContext,
  restWrite: Omit<RestWrite, 'idempotency'>,
  body: unknown,
): Promise<void> {
  const header = request.headers['idempotency-key'];
  const key = typeof header === 'string' ? checkIdempotencyKey(header) : null;
  const idempotency =
    key === null ? null : { key, fingerprint: requestFingerprint(request.method ?? '', url.pathname, body) };
  const answer = await applyRestWrite(context, { ...restWrite, idempotency });
  const headers: Record<string, string> = { 'X-Sync-Pending': '0' };
  if (answer.isReplay) headers['Idempotent-Replayed'] = 'true';
  if (answer.status === 204) {
    response.writeHead(204, headers);
    response.end();
    return;
  }
  sendJson(response, answer.status, answer.record, headers);
}

/** A write's body: a JSON object whatever its `Content-Type` (the worker reads any), or 400 `invalid_json`/`invalid_body`. */
async function readFields(request: IncomingMessage, maxBodyBytes: number): Promise<Record<string, unknown>> {
  const body = await readJsonBody(request, maxBodyBytes, { isAnyContentType: true });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SyncError('invalid_body', 'The request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

/** `pageLinks` resolves against the parsed URL's placeholder host: the links keep only path and query. */
function relativeLinks(links: string, url: URL): string {
  return links.replaceAll(`<${url.origin}`, '<');
}
