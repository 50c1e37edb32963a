import type {
  ErrorCode,
  Mutation,
  MutationResult,
  PushRequest,
  PushResponse,
  SyncRecord,
  WireError,
} from '../protocol/index.ts';
import { SyncError } from '../protocol/index.ts';
import { isStorableText, MAX_RECORD_ID_LENGTH, printable } from '../protocol/storable-values.ts';
import type { Collections } from './collections.ts';
import { resolveConflict } from './conflicts.ts';
import { keyOf, nextState, type RecordKey, readRecords, type StoredRecord, toRecord, writeRecords } from './records.ts';
import { dataExceptionCode, POKE_CHANNEL, type Sql, type Storage } from './storage.ts';
import { clientFields, mutationProblem } from './validation.ts';

export interface PushContext {
  storage: Storage;
  /** The authenticated user; every row read or written is scoped to it. */
  owner: string;
  collections: Collections;
  maxRecordBytes: number;
}

/** A mutation of the request with the reason it can never apply, found before any statement runs. */
export interface CheckedMutation {
  mutation: Mutation;
  problem: SyncError | null;
}

/** What the ledger remembers of a processed mutation, to answer it again as a `duplicate`. */
interface LedgerEntry {
  op: string;
  key: RecordKey;
  error: WireError | null;
}

/**
 * Applies a push exactly once: the client's `lastAppliedSeq` moves in the same transaction
 * as the mutations' effects, so a re-sent mutation is answered `duplicate` and changes nothing.
 * Every mutation is checked first; one that can never apply is `rejected` and still counts as
 * processed. The batch is read in one query, resolved in memory in `seq` order and written in one
 * statement per table. Should the database still refuse a value (a data exception), the batch
 * is applied again one mutation per transaction, and only the refused one is rejected.
 */
export async function applyPush(context: PushContext, request: PushRequest): Promise<PushResponse> {
  const batch = request.mutations.map(
    (mutation): CheckedMutation => ({
      mutation,
      problem: mutationProblem(mutation, context.collections, context.maxRecordBytes),
    }),
  );
  try {
    return await applyBatch(context, request.clientId, batch);
  } catch (error) {
    if (!dataExceptionCode(error) || batch.length === 0) throw error;
  }
  const results: MutationResult[] = [];
  let lastAppliedSeq = 0;
  for (const checked of batch) {
    let answer: PushResponse;
    try {
      answer = await applyBatch(context, request.clientId, [checked]);
    } catch (error) {
      const code = dataExceptionCode(error);
      if (!code) throw error;
      answer = await applyBatch(context, request.clientId, [{ ...checked, problem: refusedByDatabase(code) }]);
    }
    results.push(...answer.results);
    lastAppliedSeq = answer.lastAppliedSeq;
  }
  return { lastAppliedSeq, results };
}

/** The key that serialises a user's writes (`TransactionOptions.lockKey`): pushes and REST writes alike. */
export function writeLockKey(owner: string): string {
  return `owner:${owner}`;
}

/** Applies checked mutations in one transaction, taken in turn with the user's other writes. */
function applyBatch(context: PushContext, clientId: string, batch: CheckedMutation[]): Promise<PushResponse> {
  return context.storage.transaction((tx) => applyInTransaction(tx, context, clientId, batch), {
    lockKey: writeLockKey(context.owner),
  });
}

/**
 * Applies checked mutations of `clientId` inside the caller's transaction, which must hold the
 * user's `writeLockKey` turn: the client's `lastAppliedSeq`, the records, the ledger and the poke
 * all commit (or roll back) with whatever else the caller writes.
 */
export async function applyInTransaction(
  tx: Sql,
  context: PushContext,
  clientId: string,
  batch: CheckedMutation[],
): Promise<PushResponse> {
  const claim = await claimClient(tx, context.owner, clientId, batch.length);
  let { lastAppliedSeq } = claim;
  const first = batch[0]?.mutation;
  if (first && first.seq > lastAppliedSeq + 1) {
    throw new SyncError('seq_gap', `Expected seq ${lastAppliedSeq + 1} but got ${first.seq}; resend from there`, {
      lastAppliedSeq,
    });
  }
  const fresh = batch.filter(({ mutation }) => mutation.seq > lastAppliedSeq);
  const duplicates = batch.length - fresh.length;
  const ledger = first && duplicates > 0 ? await readLedger(tx, clientId, first.seq, first.seq + duplicates - 1) : null;
  const keys = [...(ledger?.values() ?? [])].map((entry) => entry.key);
  for (const { mutation } of fresh) {
    const key = targetOf(mutation);
    if (key) keys.push(key);
  }
  const records = await readRecords(tx, context.owner, keys);
  const visible = (key: RecordKey | null) => (key ? visibleRecord(records.get(keyOf(key))) : null);

  const results: MutationResult[] = [];
  const written = new Map<string, StoredRecord>();
  let changeSeq = claim.changeSeqBefore;
  for (const { mutation, problem } of batch) {
    if (mutation.seq <= lastAppliedSeq) {
      results.push(duplicateOf(mutation.seq, ledger?.get(mutation.seq), visible));
      continue;
    }
    lastAppliedSeq = mutation.seq;
    if (problem) {
      results.push(rejected(mutation, problem, visible(targetOf(mutation))));
      continue;
    }
    if (mutation.op === 'skip') {
      results.push({ seq: mutation.seq, status: 'applied' });
      continue;
    }
    const outcome = applyMutation(context, clientId, mutation, changeSeq + 1, records);
    if (outcome.state) {
      changeSeq += 1;
      records.set(keyOf(outcome.state), outcome.state);
      written.set(keyOf(outcome.state), outcome.state);
    }
    results.push(outcome.result);
  }
  await writeRecords(tx, context.owner, [...written.values()]);
  await recordProcessed(tx, clientId, fresh, results, {
    lastAppliedSeq,
    poke: written.size > 0 ? context.owner : null,
  });
  return { lastAppliedSeq, results };
}

/**
 * Takes the client's ledger row, checks it belongs to this user and reserves `count` change
 * numbers for the user (numbers left unused are harmless gaps). The user's counter row stays
 * locked until commit, so the user's changes commit in change-number order and a pull cursor
 * can never skip one.
 */
async function claimClient(
  tx: Sql,
  owner: string,
  clientId: string,
  count: number,
): Promise<{ lastAppliedSeq: number; changeSeqBefore: number }> {
  const [claim] = await tx.query<{ owner: string; last_applied_seq: number; change_seq: number }>(
    `WITH client AS (
       INSERT INTO syncworker_clients (client_id, owner, last_applied_seq) VALUES ($1, $2, 0)
       ON CONFLICT (client_id) DO UPDATE SET client_id = EXCLUDED.client_id
       RETURNING owner, last_applied_seq
     ), counter AS (
       INSERT INTO syncworker_owners (owner, change_seq) VALUES ($2, $3)
       ON CONFLICT (owner) DO UPDATE SET change_seq = syncworker_owners.change_seq + $3
       RETURNING change_seq
     )
     SELECT client.owner, client.last_applied_seq, counter.change_seq FROM client, counter`,
    [clientId, owner, count],
  );
  if (!claim || claim.owner !== owner) {
    throw new SyncError('forbidden', `Client ${clientId} belongs to another user; start a new client`);
  }
  return { lastAppliedSeq: Number(claim.last_applied_seq), changeSeqBefore: Number(claim.change_seq) - count };
}

/** The ledger entries of this client's mutations `fromSeq` to `throughSeq`: the part of a batch sent before. */
async function readLedger(
  tx: Sql,
  clientId: string,
  fromSeq: number,
  throughSeq: number,
): Promise<Map<number, LedgerEntry>> {
  const rows = await tx.query<{
    seq: number;
    op: string;
    collection: string;
    record_id: string;
    error: LedgerEntry['error'];
  }>(
    `SELECT seq, op, collection, record_id, error FROM syncworker_mutations
     WHERE client_id = $1 AND seq BETWEEN $2 AND $3`,
    [clientId, fromSeq, throughSeq],
  );
  return new Map(
    rows.map((row) => [
      Number(row.seq),
      { op: row.op, key: { collection: row.collection, id: row.record_id }, error: row.error },
    ]),
  );
}

/**
 * Moves the client's `lastAppliedSeq`, writes one ledger row per processed mutation (the audit
 * trail, and what a `duplicate` answers with) and pokes the user's event streams if records
 * changed, in one statement. Client text is stored only in printable, bounded form: a rejected
 * mutation's fields may be anything.
 */
async function recordProcessed(
  tx: Sql,
  clientId: string,
  fresh: CheckedMutation[],
  results: MutationResult[],
  { lastAppliedSeq, poke }: { lastAppliedSeq: number; poke: string | null },
): Promise<void> {
  if (fresh.length === 0) return;
  const bySeq = new Map(results.map((result) => [result.seq, result]));
  const column = <T>(pick: (mutation: Mutation) => T) => fresh.map(({ mutation }) => pick(mutation));
  // The NOTIFY is delivered on commit only: a poke never announces a rolled-back change.
  await tx.query(
    `WITH processed AS (
       INSERT INTO syncworker_mutations (client_id, seq, mutation_id, collection, record_id, op, status, error)
       SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::jsonb[])
     ), client AS (
       UPDATE syncworker_clients SET last_applied_seq = $9 WHERE client_id = $1
     )
     SELECT pg_notify($10, $11) WHERE $11::text IS NOT NULL`,
    [
      clientId,
      column((m) => m.seq),
      column((m) => printable(m.id, 128)),
      column((m) => printable(m.collection, 64)),
      column((m) => printable(m.recordId, 200)),
      column((m) => printable(m.op, 16)),
      column((m) => bySeq.get(m.seq)?.status ?? 'rejected'),
      column((m) => {
        const error = bySeq.get(m.seq)?.error;
        return error ? JSON.stringify(error) : null;
      }),
      lastAppliedSeq,
      POKE_CHANNEL,
      poke,
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
  const key = { collection: mutation.collection, id: mutation.recordId };
  const stored = records.get(keyOf(key)) ?? null;
  const live = stored && !stored.isDeleted ? stored : null;
  if (mutation.op === 'update' && !stored) {
    const error = new SyncError('not_found', `${mutation.collection}/${mutation.recordId} does not exist`);
    return { result: rejected(mutation, error, null) };
  }
  // Deleting what is not there changes nothing: no tombstone for an id that never existed.
  if (mutation.op === 'delete' && !live) return { result: { seq: mutation.seq, status: 'applied', record: null } };
  const client = resultOf(mutation, stored);
  // A write is stale when another writer changed the record after the version it was based on,
  // and an update always is when another writer deleted the record: the strategy decides whether
  // it may bring the record back. The client's own earlier writes never make it stale.
  const isConflict =
    stored !== null &&
    stored.writtenBy !== clientId &&
    (mutation.op === 'create'
      ? live !== null
      : stored.isDeleted || (mutation.baseVersion !== null && mutation.baseVersion < stored.version));
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
    return { result: { seq: mutation.seq, status, record: visibleRecord(live ?? undefined) } };
  }
  const state = nextState(stored, {
    ...key,
    data: next,
    changeSeq,
    writtenBy: clientId,
    writtenSeq: mutation.seq,
    writtenAt: mutation.at,
  });
  return {
    result: { seq: mutation.seq, status, record: next ? toRecord(state.id, next, state.version) : null },
    state,
  };
}

/**
 * The fields a mutation produces when nothing conflicts (null for a delete). An update lands on
 * the stored fields, a deleted record's last ones included: never does its patch alone become the record.
 */
function resultOf(mutation: Mutation, stored: StoredRecord | null): Record<string, unknown> | null {
  if (mutation.op === 'delete') return null;
  const data = clientFields(mutation.data ?? {});
  return mutation.op === 'update' && stored && !mutation.replace ? { ...stored.data, ...data } : data;
}

/** The record a mutation names, if its names could be stored at all (a rejected mutation's may not). */
function targetOf(mutation: Mutation): RecordKey | null {
  return mutation.op !== 'skip' &&
    isStorableText(mutation.collection, 64) &&
    isStorableText(mutation.recordId, MAX_RECORD_ID_LENGTH)
    ? { collection: mutation.collection, id: mutation.recordId }
    : null;
}

/** The answer to a mutation processed before: the record as it is now and, if it was rejected, why. */
function duplicateOf(
  seq: number,
  entry: LedgerEntry | undefined,
  visible: (key: RecordKey | null) => SyncRecord | null,
): MutationResult {
  if (!entry || entry.op === 'skip') return { seq, status: 'duplicate' };
  return { seq, status: 'duplicate', record: visible(entry.key), ...(entry.error ? { error: entry.error } : {}) };
}

/** A stored record as its user sees it: null once deleted or absent. */
function visibleRecord(stored: StoredRecord | undefined): SyncRecord | null {
  return stored && !stored.isDeleted ? toRecord(stored.id, stored.data, stored.version) : null;
}

function rejected(mutation: Mutation, error: SyncError, record: SyncRecord | null): MutationResult {
  return { seq: mutation.seq, status: 'rejected', record, error: error.toWire().error };
}

/** The code for each data exception a check should have caught (others are `invalid_record`). */
const CODE_BY_SQLSTATE: Record<string, ErrorCode> = {
  '22021': 'invalid_text', // invalid byte sequence (NUL in text)
  '22P05': 'invalid_text', // untranslatable character (\u0000 in jsonb)
  '22P02': 'invalid_text', // invalid text representation (unpaired surrogate in jsonb)
  '22003': 'invalid_number', // numeric value out of range
  '54000': 'record_too_large', // program limit exceeded (e.g. index row size)
  '54001': 'record_too_deep', // statement too complex (stack depth)
};

/** The rejection of a mutation the database refused although it passed every check. */
export function refusedByDatabase(sqlState: string): SyncError {
  return new SyncError(
    CODE_BY_SQLSTATE[sqlState] ?? 'invalid_record',
    `The database cannot store this mutation (SQLSTATE ${sqlState}); it will never apply`,
  );
}
