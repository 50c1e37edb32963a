import type { MutationOp } from '../protocol/index.ts';
import type { OutboxEntry, SyncDatabase } from './database.ts';
import { uuidv7 } from './uuidv7.ts';

export interface NewMutation {
  collection: string;
  op: MutationOp;
  recordId: string;
  data?: Record<string, unknown>;
  baseVersion: number | null;
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
