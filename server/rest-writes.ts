import { createHash, randomUUID } from 'node:crypto';
import type { Mutation, SyncRecord } from '../protocol/index.ts';
import { SyncError } from '../protocol/index.ts';
import { isStorableText } from '../protocol/storable-values.ts';
import { applyInTransaction, type PushContext, refusedByDatabase, writeLockKey } from './push.ts';
import { readRecords } from './records.ts';
import { dataExceptionCode, type Sql } from './storage.ts';
import { mutationProblem } from './validation.ts';

/** A REST write as the worker's routes take it: `POST` creates, `PUT` replaces, `PATCH` merges, `DELETE` deletes. */
export interface RestWrite {
  kind: 'create' | 'replace' | 'patch' | 'delete';
  collection: string;
  id: string;
  /** The body's fields (none for a delete). */
  fields: Record<string, unknown>;
  /** The `Idempotency-Key` and what identifies the request it was first sent with. */
  idempotency: { key: string; fingerprint: string } | null;
}

/** A REST write's answer: its status and record (null for a delete), replayed or first. */
export interface RestWriteAnswer {
  status: number;
  record: SyncRecord | null;
  isReplay: boolean;
}

const STATUS_OF: Record<RestWrite['kind'], number> = { create: 201, replace: 200, patch: 200, delete: 204 };

/**
 * Applies a REST write through the push path, as a mutation of the user's REST client (a client
 * id no sync client can present), so it is serialised with the user's other writes, pokes their
 * event streams, and later pushes meet it like any other writer's change (conflict strategies).
 * The mutation, and the receipt of its `Idempotency-Key`, commit in one transaction: a repeat
 * gets the first answer and changes nothing; the key on another request is `idempotency_key_reused`.
 * A write that fails (missing record, invalid fields) changes nothing and keeps no receipt, like the worker's.
 */
export async function applyRestWrite(context: PushContext, write: RestWrite): Promise<RestWriteAnswer> {
  try {
    return await context.storage.transaction((tx) => applyInTurn(tx, context, write), {
      lockKey: writeLockKey(context.owner),
    });
  } catch (error) {
    const sqlState = dataExceptionCode(error);
    if (sqlState) throw refusedByDatabase(sqlState);
    throw error;
  }
}

/** The REST client of a user: `:` keeps sync clients (letters, digits, `-`, `_`) from ever presenting it. */
export function restClientId(owner: string): string {
  return `rest:${createHash('sha256').update(owner).digest('base64url').slice(0, 32)}`;
}

/** The fingerprint a key's request is known by: method, path and body. */
export function requestFingerprint(method: string, pathname: string, body: unknown): string {
  const digest = createHash('sha256')
    .update(body === undefined ? '' : JSON.stringify(body))
    .digest('base64url');
  return `${method} ${pathname} ${digest}`;
}

/** How long an `Idempotency-Key`'s first answer is kept. */
const RECEIPT_HOURS = 24;

/** Checks an `Idempotency-Key` header value the way the worker does; throws `invalid_header`. */
export function checkIdempotencyKey(key: string): string {
  if (!isStorableText(key, 255)) {
    throw new SyncError('invalid_header', 'Idempotency-Key must be 1 to 255 characters (a UUID is ideal)');
  }
  return key;
}

async function applyInTurn(tx: Sql, context: PushContext, write: RestWrite): Promise<RestWriteAnswer> {
  const { owner } = context;
  if (write.idempotency) {
    const [receipt] = await tx.query<{ fingerprint: string; status: number; body: SyncRecord | null }>(
      'SELECT fingerprint, status, body FROM syncworker_rest_receipts WHERE owner = $1 AND key = $2',
      [owner, write.idempotency.key],
    );
    if (receipt) {
      if (receipt.fingerprint !== write.idempotency.fingerprint) {
        throw new SyncError(
          'idempotency_key_reused',
          `Idempotency-Key ${write.idempotency.key} was used for another request; use a new key for each request`,
        );
      }
      return { status: receipt.status, record: receipt.body, isReplay: true };
    }
  }
  const key = { collection: write.collection, id: write.id };
  const stored = (await readRecords(tx, owner, [key])).values().next().value ?? null;
  const isLive = stored !== null && !stored.isDeleted;
  if (write.kind === 'create' && isLive) {
    throw new SyncError(
      'already_exists',
      `${write.collection}/${write.id} already exists; use PUT or PATCH to change it`,
    );
  }
  if (write.kind !== 'create' && !isLive)
    throw new SyncError('not_found', `${write.collection}/${write.id} does not exist`);

  const clientId = restClientId(owner);
  const [client] = await tx.query<{ last_applied_seq: number }>(
    'SELECT last_applied_seq FROM syncworker_clients WHERE client_id = $1',
    [clientId],
  );
  // Based on the version just read, under the user's write turn: a REST write never conflicts itself.
  const mutation: Mutation = {
    seq: Number(client?.last_applied_seq ?? 0) + 1,
    id: randomUUID(),
    collection: write.collection,
    op: write.kind === 'create' ? 'create' : write.kind === 'delete' ? 'delete' : 'update',
    recordId: write.id,
    baseVersion: stored?.version ?? null,
    at: Date.now(),
    ...(write.kind === 'delete' ? {} : { data: write.fields }),
    ...(write.kind === 'replace' ? { replace: true } : {}),
  };
  const problem = mutationProblem(mutation, context.collections, context.maxRecordBytes);
  if (problem) throw problem;
  const { results } = await applyInTransaction(tx, context, clientId, [{ mutation, problem: null }]);
  const result = results[0];
  if (result?.status === 'rejected' && result.error) {
    throw new SyncError(result.error.code as SyncError['code'], result.error.message);
  }
  const answer = { status: STATUS_OF[write.kind], record: result?.record ?? null, isReplay: false };
  if (write.idempotency) {
    // A client retries a request within moments: like the worker's, a key is remembered for a day.
    await tx.query(
      `DELETE FROM syncworker_rest_receipts WHERE owner = $1 AND created_at < now() - interval '${RECEIPT_HOURS} hours'`,
      [owner],
    );
    await tx.query(
      'INSERT INTO syncworker_rest_receipts (owner, key, fingerprint, status, body) VALUES ($1, $2, $3, $4, $5)',
      [owner, write.idempotency.key, write.idempotency.fingerprint, answer.status, JSON.stringify(answer.record)],
    );
  }
  return answer;
}
