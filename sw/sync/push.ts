import type { Mutation, MutationOutcome, MutationResult, PushResponse } from '../../protocol/index.ts';
import { SyncError } from '../../protocol/index.ts';
import { type ChangeSet, noteChange, writeChanges } from '../local/change-set.ts';
import type { DeadLetter, OutboxEntry, SyncDatabase } from '../local/database.ts';
import { peekOutbox, pendingRecordKeys, recordKey, removeAcknowledged } from '../local/outbox.ts';
import { appendLog } from '../local/sync-log.ts';
import type { SyncTransport } from './sync-transport.ts';

/** Mutations sent per push request: the reference server's default limit. A server with lower limits gets smaller batches. */
export const PUSH_BATCH_SIZE = 500;

/** Where a sync run reports what it settled, batch by batch, so a later failure loses none of it. */
export interface SettleHooks {
  onOutcomes(outcomes: MutationOutcome[]): void;
  /** Local records changed. */
  onChanged(changes: ChangeSet): void;
}

/**
 * Sends the outbox as it stands, in `seq` order, batch by batch, until that is done or `deadline`
 * passes; returns false when time ran out first. A batch the server refuses as too large (too many
 * mutations, or too many bytes) is sent again in halves, so lower server limits never wedge the queue.
 */
export async function pushOutbox(
  db: SyncDatabase,
  transport: SyncTransport,
  clientId: string,
  deadline: number,
  hooks: SettleHooks,
): Promise<boolean> {
  // What is queued now: writes made meanwhile wait for the next pass, so a client that keeps
  // writing still gets to pull between passes.
  const lastSeq = ((await db.outbox.orderBy('seq').lastKey()) as number | undefined) ?? 0;
  const peek = async () => (await peekOutbox(db, size)).filter((entry) => entry.seq <= lastSeq);
  let size = PUSH_BATCH_SIZE;
  for (let batch = await peek(); batch.length > 0; batch = await peek()) {
    if (Date.now() > deadline) return false;
    let response: PushResponse;
    try {
      response = await pushBatch(db, transport, clientId, batch);
    } catch (error) {
      if (!isTooLarge(error) || batch.length === 1) throw error;
      size = Math.ceil(batch.length / 2);
      continue;
    }
    const { outcomes, changes } = await applyPushResponse(db, batch, response);
    if (outcomes.length > 0) hooks.onOutcomes(outcomes);
    if (changes.size > 0) hooks.onChanged(changes);
    await logBatch(db, batch, outcomes, response.lastAppliedSeq);
  }
  return true;
}

/** Whether the server refused a push for its size (a smaller batch may pass). */
export function isTooLarge(error: unknown): boolean {
  return error instanceof SyncError && (error.code === 'too_many_mutations' || error.code === 'payload_too_large');
}

/** Logs a settled batch, with a line for each conflict and rejection. */
async function logBatch(
  db: SyncDatabase,
  batch: OutboxEntry[],
  outcomes: MutationOutcome[],
  lastAppliedSeq: number,
): Promise<void> {
  const counts = new Map<string, number>();
  for (const outcome of outcomes) {
    counts.set(outcome.status, (counts.get(outcome.status) ?? 0) + 1);
    if (outcome.status !== 'conflict' && outcome.status !== 'rejected') continue;
    await appendLog(db, {
      kind: outcome.status,
      message: `${outcome.status} ${outcome.op} of ${outcome.collection}/${outcome.recordId}${outcome.error ? `: ${outcome.error.message}` : ''}`,
      details: { collection: outcome.collection, recordId: outcome.recordId, record: outcome.record ?? null },
    });
  }
  await appendLog(db, {
    kind: 'push',
    message: `pushed ${batch.length} mutation(s): ${[...counts].map(([status, count]) => `${count} ${status}`).join(', ')}`,
    details: { firstSeq: batch[0]?.seq, lastAppliedSeq },
  });
}

async function pushBatch(
  db: SyncDatabase,
  transport: SyncTransport,
  clientId: string,
  batch: OutboxEntry[],
): Promise<PushResponse> {
  const mutations = batch.map(
    ({ mutationId, attempts, lastError, nextAttemptAt, before, discarded, ...mutation }): Mutation => ({
      ...mutation,
      id: mutationId,
    }),
  );
  try {
    return await transport.push({ clientId, mutations });
  } catch (error) {
    if (error instanceof SyncError && error.code === 'seq_gap') {
      return { lastAppliedSeq: resolveSeqGap(error, batch), results: [] };
    }
    await noteFailedAttempt(db, batch, error);
    throw error;
  }
}

/** Counts the attempt on each entry of a batch that could not be delivered, for the devtools panel. */
async function noteFailedAttempt(db: SyncDatabase, batch: OutboxEntry[], error: unknown): Promise<void> {
  const lastError =
    error instanceof SyncError
      ? { code: error.code, message: error.message }
      : { code: 'internal_error' as const, message: String(error) };
  await db.outbox
    .where('seq')
    .anyOf(batch.map((entry) => entry.seq))
    .modify((entry) => {
      entry.attempts += 1;
      entry.lastError = lastError;
    });
}

/** A `seq_gap` means an earlier push succeeded but its answer was lost: the server's count settles it. */
function resolveSeqGap(error: SyncError, batch: OutboxEntry[]): number {
  const lastAppliedSeq = Number(error.details?.lastAppliedSeq);
  const first = batch[0]?.seq ?? 0;
  if (!Number.isInteger(lastAppliedSeq) || lastAppliedSeq < first) {
    throw new SyncError(
      'seq_gap',
      `The server expects seq ${lastAppliedSeq + 1} but the outbox starts at ${first}; mutations were lost locally`,
    );
  }
  return lastAppliedSeq;
}

/** Settles a pushed batch in one transaction: drop what was processed, adopt the server's records, park rejections. */
async function applyPushResponse(
  db: SyncDatabase,
  batch: OutboxEntry[],
  response: PushResponse,
): Promise<{ outcomes: MutationOutcome[]; changes: ChangeSet }> {
  const outcomes: MutationOutcome[] = [];
  const changes: ChangeSet = new Map();
  const targets = new Map(batch.map((entry) => [entry.seq, entry.discarded ?? entry]));
  const stores = [...new Set([...targets.values()].map((target) => target.collection))].map((collection) =>
    db.records(collection),
  );
  const tables = [...stores.map((store) => store.table), db.outbox, db.importedOutbox, db.meta, db.deadLetters];
  await db.transaction('rw', tables, async () => {
    const resultsBySeq = new Map(response.results.map((result) => [result.seq, result]));
    const acknowledged = await removeAcknowledged(db, response.lastAppliedSeq);
    // The server's record is adopted unless newer local changes of it still wait to be pushed.
    const targetOf = (entry: OutboxEntry) => targets.get(entry.seq) ?? entry.discarded ?? entry;
    const stillPending = await pendingRecordKeys(
      db,
      acknowledged.map((entry): [string, string] => [targetOf(entry).collection, targetOf(entry).recordId]),
    );
    const deadLetters: DeadLetter[] = [];
    for (const entry of acknowledged) {
      const result = resultsBySeq.get(entry.seq);
      // A duplicate carrying an error was rejected the first time, when its answer got lost.
      if (result && isRejection(result)) deadLetters.push(deadLetterOf(entry, result));
      const { collection, recordId } = targetOf(entry);
      if (result?.record !== undefined && !stillPending.has(recordKey(collection, recordId))) {
        noteChange(changes, collection, recordId, result.record);
      }
      outcomes.push(outcomeOf(entry, collection, recordId, result));
    }
    await Promise.all([
      writeChanges(db, changes),
      db.deadLetters.bulkPut(deadLetters),
      db.setMeta('lastAppliedSeq', response.lastAppliedSeq),
      settleUpTo(db, batch, acknowledged, resultsBySeq, response.lastAppliedSeq),
    ]);
  });
  return { outcomes, changes };
}

/**
 * Moves `settledSeq` to `lastAppliedSeq` when this batch continues the settled run and every
 * entry it acknowledged came with its result (a `seq_gap` answer carries none).
 */
async function settleUpTo(
  db: SyncDatabase,
  batch: OutboxEntry[],
  acknowledged: OutboxEntry[],
  resultsBySeq: Map<number, MutationResult>,
  lastAppliedSeq: number,
): Promise<void> {
  const settled = (await db.getMeta<number>('settledSeq')) ?? 0;
  const first = batch[0]?.seq ?? 0;
  if (first - 1 > settled || !acknowledged.every((entry) => resultsBySeq.has(entry.seq))) return;
  await db.setMeta('settledSeq', Math.max(settled, lastAppliedSeq));
}

/** Whether the server refused the mutation: now, or before (a duplicate of a rejection carries its error). */
export function isRejection(result: MutationResult): boolean {
  return result.status === 'rejected' || (result.status === 'duplicate' && result.error !== undefined);
}

/** What the pages are told about one mutation the server processed. */
export function outcomeOf(
  entry: Pick<OutboxEntry, 'seq' | 'mutationId' | 'op'>,
  collection: string,
  recordId: string,
  result: MutationResult | undefined,
): MutationOutcome {
  return {
    seq: entry.seq,
    mutationId: entry.mutationId,
    collection,
    recordId,
    op: entry.op,
    status: result === undefined ? 'duplicate' : isRejection(result) ? 'rejected' : result.status,
    ...(result?.record !== undefined ? { record: result.record } : {}),
    ...(result?.error ? { error: SyncError.fromWire({ error: result.error }).toWire().error } : {}),
  };
}

/** The dead letter of a mutation the server rejected. */
export function deadLetterOf(entry: OutboxEntry, result: MutationResult): DeadLetter {
  const error = SyncError.fromWire({ error: result.error }, 'The server rejected this mutation');
  return {
    id: entry.mutationId,
    kind: 'mutation',
    mutation: entry,
    error: error.toWire().error,
    rejectedAt: Date.now(),
  };
}
