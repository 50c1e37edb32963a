import type { MutationOp, SyncRecord } from '../../protocol/index.ts';
import type { OutboxEntry, SyncDatabase } from './database.ts';
import { uuidv7 } from '../uuidv7.ts';

export interface NewMutation {
  collection: string;
  op: MutationOp;
  recordId: string;
  data?: Record<string, unknown>;
  /** An `update` carrying the whole record (a REST `PUT`). */
  replace?: boolean;
  baseVersion: number | null;
  /** The local record before the write (restored if the mutation is discarded). */
  before: SyncRecord | null;
}

/**
 * Appends a mutation with the client's next `seq`.
 * Must run inside a transaction over `outbox` and `meta` that also writes the record itself,
 * so the record change and its outbox entry commit together or not at all.
 */
export async function enqueueMutation(db: SyncDatabase, mutation: NewMutation): Promise<OutboxEntry> {
  const seq = (await db.getMeta<number>('nextSeq')) ?? 1;
  const entry: OutboxEntry = {
    ...mutation,
    seq,
    mutationId: uuidv7(),
    at: Date.now(),
    attempts: 0,
    lastError: null,
    nextAttemptAt: null,
  };
  await db.outbox.add(entry);
  await db.setMeta('nextSeq', seq + 1);
  return entry;
}

/** The oldest `limit` outbox entries, in `seq` order. */
export function peekOutbox(db: SyncDatabase, limit: number): Promise<OutboxEntry[]> {
  return db.outbox.orderBy('seq').limit(limit).toArray();
}

/** How many outbox entries wait for one record. */
export function countPendingFor(db: SyncDatabase, collection: string, recordId: string): Promise<number> {
  return db.outbox.where('[collection+recordId]').equals([collection, recordId]).count();
}

/** Drops every entry the server has applied (`seq <= lastAppliedSeq`); returns them. */
export async function removeAcknowledged(db: SyncDatabase, lastAppliedSeq: number): Promise<OutboxEntry[]> {
  const acknowledged = await db.outbox.where('seq').belowOrEqual(lastAppliedSeq).toArray();
  await db.outbox.bulkDelete(acknowledged.map((entry) => entry.seq));
  return acknowledged;
}

/**
 * Discards a pending mutation and every later one on the same record, and puts the record back
 * as it was before the first of them. Returns the collection touched, or null if `seq` is not pending.
 */
export async function discardPending(db: SyncDatabase, seq: number): Promise<string | null> {
  const entry = await db.outbox.get(seq);
  if (!entry) return null;
  const table = db.records(entry.collection);
  await db.transaction('rw', [table, db.outbox], async () => {
    const sameRecord = await db.outbox
      .where('[collection+recordId]')
      .equals([entry.collection, entry.recordId])
      .toArray();
    await db.outbox.bulkDelete(sameRecord.filter((other) => other.seq >= seq).map((other) => other.seq));
    if (entry.before) await table.put(entry.before);
    else await table.delete(entry.recordId);
  });
  return entry.collection;
}
