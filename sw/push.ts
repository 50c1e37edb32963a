import type { MutationResult, PushResponse, SyncRecord } from '../protocol/index.ts';
import { SyncError } from '../protocol/index.ts';
import type { OutboxEntry, SyncDatabase } from './database.ts';
import { countPendingFor, peekOutbox, removeAcknowledged } from './outbox.ts';
import type { SyncTransport } from './sync-transport.ts';

/** Mutations sent per push request; the server accepts up to 500. */
const PUSH_BATCH_SIZE = 100;

/** Sends the whole outbox in `seq` order; returns the collections whose local records changed. */
export async function pushOutbox(db: SyncDatabase, transport: SyncTransport, clientId: string): Promise<Set<string>> {
  const changed = new Set<string>();
  for (
    let batch = await peekOutbox(db, PUSH_BATCH_SIZE);
    batch.length > 0;
    batch = await peekOutbox(db, PUSH_BATCH_SIZE)
  ) {
    const response = await pushBatch(db, transport, clientId, batch);
    for (const collection of await applyPushResponse(db, batch, response)) changed.add(collection);
  }
  return changed;
}

async function pushBatch(
  db: SyncDatabase,
  transport: SyncTransport,
  clientId: string,
  batch: OutboxEntry[],
): Promise<PushResponse> {
  const mutations = batch.map(({ mutationId, attempts, lastError, nextAttemptAt, ...mutation }) => ({
    ...mutation,
    id: mutationId,
  }));
  try {
    return await transport.push({ clientId, mutations });
  } catch (error) {
    if (error instanceof SyncError && error.code === 'seq_gap') {
      return { lastAppliedSeq: await resolveSeqGap(db, error, batch), results: [] };
    }
    throw error;
  }
}

/** A `seq_gap` means an earlier push succeeded but its answer was lost: the server's count settles it. */
async function resolveSeqGap(db: SyncDatabase, error: SyncError, batch: OutboxEntry[]): Promise<number> {
  const lastAppliedSeq = Number(error.details?.lastAppliedSeq);
  const first = batch[0]?.seq ?? 0;
  if (!Number.isInteger(lastAppliedSeq) || lastAppliedSeq < first) {
    throw new SyncError(
      'seq_gap',
      `The server expects seq ${lastAppliedSeq + 1} but the outbox starts at ${first}; mutations were lost locally`,
    );
  }
  await db.setMeta('lastAppliedSeq', lastAppliedSeq);
  return lastAppliedSeq;
}

/** Settles a pushed batch in one transaction: drop what was processed, adopt the server's records, park rejections. */
async function applyPushResponse(db: SyncDatabase, batch: OutboxEntry[], response: PushResponse): Promise<Set<string>> {
  const tables = [...new Set(batch.map((entry) => entry.collection))].map((collection) => db.records(collection));
  const changed = new Set<string>();
  await db.transaction('rw', [...tables, db.outbox, db.meta, db.deadLetters], async () => {
    const resultsBySeq = new Map(response.results.map((result) => [result.seq, result]));
    for (const entry of await removeAcknowledged(db, response.lastAppliedSeq)) {
      const result = resultsBySeq.get(entry.seq);
      if (result?.status === 'rejected') await parkRejected(db, entry, result);
      if (result && result.record !== undefined && (await adoptServerRecord(db, entry, result.record))) {
        changed.add(entry.collection);
      }
    }
    await db.setMeta('lastAppliedSeq', response.lastAppliedSeq);
  });
  return changed;
}

async function parkRejected(db: SyncDatabase, entry: OutboxEntry, result: MutationResult): Promise<void> {
  const error = SyncError.fromWire({ error: result.error }, 'The server rejected this mutation');
  await db.deadLetters.put({ ...entry, error: { code: error.code, message: error.message }, rejectedAt: Date.now() });
}

/** Stores the server's version of a record unless newer local changes still wait to be pushed. */
async function adoptServerRecord(db: SyncDatabase, entry: OutboxEntry, record: SyncRecord | null): Promise<boolean> {
  if ((await countPendingFor(db, entry.collection, entry.recordId)) > 0) return false;
  const table = db.records(entry.collection);
  if (record) await table.put(record);
  else await table.delete(entry.recordId);
  return true;
}
