import type { Mutation, MutationResult, PushRequest, PushResponse, SyncRecord } from '../protocol/index.ts';
import { SyncError } from '../protocol/index.ts';
import type { Collections } from './collections.ts';
import { resolveConflict } from './conflicts.ts';
import {
  keyOf,
  nextState,
  readRecords,
  reserveChangeSeqs,
  type StoredRecord,
  toRecord,
  writeRecords,
} from './records.ts';
import { POKE_CHANNEL, type Sql, type Storage } from './storage.ts';
import { clientFields, mutationProblem } from './validation.ts';

export interface PushContext {
  storage: Storage;
  /** The authenticated user; every row read or written is scoped to it. */
  owner: string;
  collections: Collections;
  maxRecordBytes: number;
}

/**
 * Applies a push exactly once: the client's `lastAppliedSeq` moves in the same transaction
 * as the mutations' effects, so a re-sent mutation is answered `duplicate` and changes nothing.
 * The batch is read in one query, resolved in memory in `seq` order, and written in one statement.
 */
export async function applyPush(context: PushContext, request: PushRequest): Promise<PushResponse> {
  return context.storage.transaction(
    async (tx) => {
      let lastAppliedSeq = await lockClient(tx, context.owner, request.clientId);
      const first = request.mutations[0];
      if (first && first.seq > lastAppliedSeq + 1) {
        throw new SyncError('seq_gap', `Expected seq ${lastAppliedSeq + 1} but got ${first.seq}; resend from there`, {
          lastAppliedSeq,
        });
      }
      const records = await readRecords(tx, request.mutations.filter(hasKey).map(recordKey));
      const written = new Map<string, StoredRecord>();
      const fresh = request.mutations.filter((mutation) => mutation.seq > lastAppliedSeq);
      let changeSeq = await reserveChangeSeqs(tx, context.owner, fresh.length);
      const earlierErrors = await rejectionsAmong(tx, request.clientId, request.mutations, lastAppliedSeq);
      const results: MutationResult[] = [];
      for (const mutation of request.mutations) {
        if (mutation.seq <= lastAppliedSeq) {
          const error = earlierErrors.get(mutation.seq);
          const record = visibleRecord(context, records, mutation);
          results.push({ seq: mutation.seq, status: 'duplicate', record, ...(error ? { error } : {}) });
          continue;
        }
        changeSeq += 1;
        const result = applyMutation(context, request.clientId, mutation, changeSeq, records);
        if (result.state) {
          records.set(keyOf(result.state), result.state);
          written.set(keyOf(result.state), result.state);
        }
        results.push(result.result);
        lastAppliedSeq = mutation.seq;
      }
      await writeRecords(tx, [...written.values()]);
      await recordLedger(tx, request.clientId, fresh, results);
      await tx.query('UPDATE syncworker_clients SET last_applied_seq = $2 WHERE client_id = $1', [
        request.clientId,
        lastAppliedSeq,
      ]);
      // Delivered to listeners on commit only: a poke never announces a rolled-back change.
      if (written.size > 0) await tx.query('SELECT pg_notify($1, $2)', [POKE_CHANNEL, context.owner]);
      return { lastAppliedSeq, results };
    },
    { lockKey: `owner:${context.owner}` },
  );
}

/** Takes the client's ledger row and checks it belongs to this user; returns its last applied seq. */
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
 * The errors of already-processed mutations of this request that were rejected: a client whose
 * answer got lost learns of the rejection from the duplicate, so nothing is dropped silently.
 */
async function rejectionsAmong(
  tx: Sql,
  clientId: string,
  mutations: Mutation[],
  lastAppliedSeq: number,
): Promise<Map<number, { code: string; message: string }>> {
  const seqs = mutations.filter((mutation) => mutation.seq <= lastAppliedSeq).map((mutation) => mutation.seq);
  if (seqs.length === 0) return new Map();
  const rows = await tx.query<{ seq: number; error: { code: string; message: string } }>(
    `SELECT seq, error FROM syncworker_mutations WHERE client_id = $1 AND seq = ANY($2::bigint[]) AND status = 'rejected'`,
    [clientId, seqs],
  );
  return new Map(rows.map((row) => [Number(row.seq), row.error]));
}

/** One ledger row per processed mutation: the audit trail and count of what was applied. */
async function recordLedger(tx: Sql, clientId: string, fresh: Mutation[], results: MutationResult[]): Promise<void> {
  if (fresh.length === 0) return;
  const bySeq = new Map(results.map((result) => [result.seq, result]));
  await tx.query(
    `INSERT INTO syncworker_mutations (client_id, seq, mutation_id, collection, record_id, op, status, error)
     SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::jsonb[])`,
    [
      clientId,
      fresh.map((m) => m.seq),
      fresh.map((m) => String(m.id)),
      fresh.map((m) => String(m.collection)),
      fresh.map((m) => String(m.recordId)),
      fresh.map((m) => String(m.op)),
      fresh.map((m) => bySeq.get(m.seq)?.status ?? 'rejected'),
      fresh.map((m) => {
        const error = bySeq.get(m.seq)?.error;
        return error ? JSON.stringify(error) : null;
      }),
    ],
  );
}

/** Decides one mutation against the batch's current state; returns the result and the new state, if any. */
function applyMutation(
  context: PushContext,
  clientId: string,
  mutation: Mutation,
  changeSeq: number,
  records: Map<string, StoredRecord>,
): { result: MutationResult; state?: StoredRecord } {
  const problem = mutationProblem(mutation, context.collections, context.maxRecordBytes);
  if (problem) return { result: rejected(mutation, problem, visibleRecord(context, records, mutation)) };
  const stored = records.get(keyOf(recordKey(mutation))) ?? null;
  if (stored && stored.owner !== context.owner) {
    return {
      result: rejected(
        mutation,
        new SyncError('forbidden', `${mutation.collection}/${mutation.recordId} belongs to another user`),
        null,
      ),
    };
  }
  if (mutation.op === 'update' && !stored) {
    return {
      result: rejected(
        mutation,
        new SyncError('not_found', `${mutation.collection}/${mutation.recordId} does not exist`),
        null,
      ),
    };
  }
  const live = stored && !stored.isDeleted ? stored : null;
  const client = resultOf(mutation, live);
  // A write is stale when another writer changed the record after the version it was based on;
  // the client's own earlier writes never make it stale.
  const isConflict =
    stored !== null &&
    stored.writtenBy !== clientId &&
    (mutation.op === 'create' ? live !== null : mutation.baseVersion !== null && mutation.baseVersion < stored.version);
  const next = isConflict
    ? resolveConflict(context.collections.strategyFor(mutation.collection), {
        server: live?.data ?? null,
        serverAt: stored.writtenAt,
        mutation,
        client,
      })
    : client;
  const status = isConflict ? 'conflict' : 'applied';
  if (isConflict && next === (live?.data ?? null)) {
    return { result: { seq: mutation.seq, status, record: live ? toRecord(live.id, live.data, live.version) : null } };
  }
  const state = nextState(stored, {
    ...recordKey(mutation),
    owner: context.owner,
    data: next,
    changeSeq,
    writtenBy: clientId,
    writtenAt: mutation.at,
  });
  return {
    result: { seq: mutation.seq, status, record: next ? toRecord(state.id, next, state.version) : null },
    state,
  };
}

/** The fields a mutation produces when nothing conflicts (null for a delete). */
function resultOf(mutation: Mutation, live: StoredRecord | null): Record<string, unknown> | null {
  if (mutation.op === 'delete') return null;
  const data = clientFields(mutation.data ?? {});
  return mutation.op === 'update' && live && !mutation.replace ? { ...live.data, ...data } : data;
}

function hasKey(mutation: Mutation): boolean {
  return typeof mutation.collection === 'string' && typeof mutation.recordId === 'string';
}

function recordKey(mutation: Mutation) {
  return { collection: mutation.collection, id: mutation.recordId };
}

/** The server's record for a mutation's target as this user may see it (null if absent or another user's). */
function visibleRecord(
  context: PushContext,
  records: Map<string, StoredRecord>,
  mutation: Mutation,
): SyncRecord | null {
  if (!hasKey(mutation)) return null;
  const stored = records.get(keyOf(recordKey(mutation)));
  return stored && stored.owner === context.owner && !stored.isDeleted
    ? toRecord(stored.id, stored.data, stored.version)
    : null;
}

function rejected(mutation: Mutation, error: SyncError, record: SyncRecord | null): MutationResult {
  return { seq: mutation.seq, status: 'rejected', record, error: { code: error.code, message: error.message } };
}
