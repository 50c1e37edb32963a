import type { Mutation, MutationResult, PushRequest, PushResponse, SyncRecord } from '../protocol/index.ts';
import { SyncError } from '../protocol/index.ts';
import { type ConflictStrategy, resolveConflict } from './conflicts.ts';
import type { Sql, Storage } from './storage.ts';
import { mutationProblem } from './validation.ts';

export interface PushContext {
  storage: Storage;
  /** The authenticated user; every row read or written is scoped to it. */
  owner: string;
  isKnownCollection(name: string): boolean;
  strategyFor(collection: string): ConflictStrategy;
}

interface StoredRecord {
  data: Record<string, unknown>;
  version: number;
  deleted: boolean;
  writtenBy: string;
  writtenAt: number;
}

/**
 * Applies a push exactly once: the client's `lastAppliedSeq` moves in the same transaction
 * as the mutations' effects, so a re-sent mutation is answered `duplicate` and changes nothing.
 */
export async function applyPush(context: PushContext, request: PushRequest): Promise<PushResponse> {
  return context.storage.transaction(async (tx) => {
    let lastAppliedSeq = await lockClient(tx, context.owner, request.clientId);
    const first = request.mutations[0];
    if (first && first.seq > lastAppliedSeq + 1) {
      throw new SyncError('seq_gap', `Expected seq ${lastAppliedSeq + 1} but got ${first.seq}; resend from there`, {
        lastAppliedSeq,
      });
    }
    const fresh = request.mutations.filter((mutation) => mutation.seq > lastAppliedSeq);
    let changeSeq = await reserveChangeSeqs(tx, context.owner, fresh.length);
    const results: MutationResult[] = [];
    for (const mutation of request.mutations) {
      if (mutation.seq <= lastAppliedSeq) {
        results.push({ seq: mutation.seq, status: 'duplicate', record: await currentRecord(tx, context, mutation) });
        continue;
      }
      changeSeq += 1;
      const result = await applyMutation(tx, context, request.clientId, mutation, changeSeq);
      await tx.query(
        `INSERT INTO syncworker_mutations (client_id, seq, mutation_id, collection, record_id, op, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          request.clientId,
          mutation.seq,
          String(mutation.id),
          String(mutation.collection),
          String(mutation.recordId),
          String(mutation.op),
          result.status,
        ],
      );
      results.push(result);
      lastAppliedSeq = mutation.seq;
    }
    await tx.query('UPDATE syncworker_clients SET last_applied_seq = $2 WHERE client_id = $1', [
      request.clientId,
      lastAppliedSeq,
    ]);
    return { lastAppliedSeq, results };
  });
}

/** Takes the client's ledger row (serialising its pushes) and checks it belongs to this user. */
async function lockClient(tx: Sql, owner: string, clientId: string): Promise<number> {
  const [client] = await tx.query<{ owner: string; last_applied_seq: number }>(
    `INSERT INTO syncworker_clients (client_id, owner, last_applied_seq) VALUES ($1, $2, 0)
     ON CONFLICT (client_id) DO UPDATE SET client_id = EXCLUDED.client_id
     RETURNING owner, last_applied_seq`,
    [clientId, owner],
  );
  if (!client || client.owner !== owner) {
    throw new SyncError('forbidden', `Client ${clientId} belongs to another user; start a new client`);
  }
  return Number(client.last_applied_seq);
}

/**
 * Reserves `count` change numbers for this user. The row lock is held until commit, so a
 * user's changes commit in change-number order and a pull cursor can never skip one.
 */
async function reserveChangeSeqs(tx: Sql, owner: string, count: number): Promise<number> {
  const [row] = await tx.query<{ change_seq: number }>(
    `INSERT INTO syncworker_owners (owner, change_seq) VALUES ($1, $2)
     ON CONFLICT (owner) DO UPDATE SET change_seq = syncworker_owners.change_seq + $2
     RETURNING change_seq`,
    [owner, count],
  );
  return Number(row?.change_seq) - count;
}

async function applyMutation(
  tx: Sql,
  context: PushContext,
  clientId: string,
  mutation: Mutation,
  changeSeq: number,
): Promise<MutationResult> {
  const problem = mutationProblem(mutation, context.isKnownCollection);
  if (problem) return rejected(mutation, problem, await currentRecord(tx, context, mutation));
  const stored = await readRecord(tx, context.owner, mutation);
  const live = stored && !stored.deleted ? stored : null;
  if (mutation.op === 'update' && !stored) {
    return rejected(
      mutation,
      new SyncError('not_found', `${mutation.collection}/${mutation.recordId} does not exist`),
      null,
    );
  }
  const client = clientFields(mutation, live);
  const isConflict =
    stored !== null &&
    stored.writtenBy !== clientId &&
    (mutation.op === 'create' ? live !== null : mutation.baseVersion !== null && mutation.baseVersion < stored.version);
  const next = isConflict
    ? resolveConflict(context.strategyFor(mutation.collection), {
        server: live?.data ?? null,
        serverAt: stored.writtenAt,
        mutation,
        client,
      })
    : client;
  const unchanged = isConflict && next === (live?.data ?? null);
  const version = unchanged
    ? (stored?.version ?? 0)
    : await writeRecord(tx, context.owner, clientId, mutation, next, stored, changeSeq);
  return {
    seq: mutation.seq,
    status: isConflict ? 'conflict' : 'applied',
    record: next ? toRecord(mutation.recordId, next, version) : null,
  };
}

/** The record a mutation produces when nothing conflicts. */
function clientFields(mutation: Mutation, live: StoredRecord | null): Record<string, unknown> | null {
  if (mutation.op === 'delete') return null;
  const data = withoutServerFields(mutation.data ?? {});
  return mutation.op === 'update' && live ? { ...live.data, ...data } : data;
}

async function writeRecord(
  tx: Sql,
  owner: string,
  clientId: string,
  mutation: Mutation,
  data: Record<string, unknown> | null,
  stored: StoredRecord | null,
  changeSeq: number,
): Promise<number> {
  const version = (stored?.version ?? 0) + 1;
  await tx.query(
    `INSERT INTO syncworker_records (owner, collection, id, data, version, deleted, change_seq, written_by, written_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (owner, collection, id) DO UPDATE SET data = EXCLUDED.data, version = EXCLUDED.version,
       deleted = EXCLUDED.deleted, change_seq = EXCLUDED.change_seq, written_by = EXCLUDED.written_by,
       written_at = EXCLUDED.written_at`,
    [
      owner,
      mutation.collection,
      mutation.recordId,
      JSON.stringify(data ?? {}),
      version,
      data === null,
      changeSeq,
      clientId,
      Math.trunc(mutation.at),
    ],
  );
  return version;
}

async function readRecord(tx: Sql, owner: string, mutation: Mutation): Promise<StoredRecord | null> {
  const [row] = await tx.query<{
    data: Record<string, unknown>;
    version: number;
    deleted: boolean;
    written_by: string;
    written_at: number;
  }>(
    `SELECT data, version, deleted, written_by, written_at FROM syncworker_records
     WHERE owner = $1 AND collection = $2 AND id = $3`,
    [owner, mutation.collection, mutation.recordId],
  );
  return row
    ? {
        data: row.data,
        version: Number(row.version),
        deleted: row.deleted,
        writtenBy: row.written_by,
        writtenAt: Number(row.written_at),
      }
    : null;
}

/** The server's record for a mutation's target, as the client should now hold it. */
async function currentRecord(tx: Sql, context: PushContext, mutation: Mutation): Promise<SyncRecord | null> {
  if (typeof mutation.collection !== 'string' || typeof mutation.recordId !== 'string') return null;
  const stored = await readRecord(tx, context.owner, mutation);
  return stored && !stored.deleted ? toRecord(mutation.recordId, stored.data, stored.version) : null;
}

function rejected(mutation: Mutation, error: SyncError, record: SyncRecord | null): MutationResult {
  return { seq: mutation.seq, status: 'rejected', record, error: { code: error.code, message: error.message } };
}

export function toRecord(id: string, data: Record<string, unknown>, version: number): SyncRecord {
  return { ...data, id, _version: version };
}

/** `id`, `_version` and any `_`-prefixed field belong to the server and are never stored from a client. */
function withoutServerFields(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([key]) => key !== 'id' && !key.startsWith('_')));
}
