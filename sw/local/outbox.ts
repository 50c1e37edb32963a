import type { MutationOp, SyncRecord } from '../../protocol/index.ts';
import { uuidv7 } from '../../protocol/uuidv7.ts';
import { type ChangeSet, noteChange, writeChanges } from './change-set.ts';
import type { OutboxEntry, SyncDatabase } from './database.ts';

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
  const entry = outboxEntry(mutation, seq);
  await db.outbox.add(entry);
  await db.setMeta('nextSeq', seq + 1);
  return entry;
}

/** A new outbox entry numbered `seq`, not yet attempted. */
export function outboxEntry(mutation: NewMutation, seq: number): OutboxEntry {
  return { ...mutation, seq, mutationId: uuidv7(), at: Date.now(), attempts: 0, lastError: null, nextAttemptAt: null };
}

/** The oldest `limit` outbox entries, in `seq` order. */
export function peekOutbox(db: SyncDatabase, limit: number): Promise<OutboxEntry[]> {
  return db.outbox.orderBy('seq').limit(limit).toArray();
}

/**
 * Which of these records (`collection\u0000id`) have outbox entries (own or imported) waiting:
 * one bulk read of each. The caller's transaction must include `outbox` and `importedOutbox`.
 */
export async function pendingRecordKeys(db: SyncDatabase, records: [string, string][]): Promise<Set<string>> {
  if (records.length === 0) return new Set();
  const keyLists = await Promise.all(
    [db.outbox, db.importedOutbox].map(
      (table) => table.where('[collection+recordId]').anyOf(records).keys() as unknown as Promise<[string, string][]>,
    ),
  );
  return new Set(keyLists.flat().map(([collection, id]) => recordKey(collection, id)));
}

/** A record's key in maps and sets spanning collections. */
export const recordKey = (collection: string, id: string): string => `${collection}\u0000${id}`;

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
 * as it was before the first of them. Each discarded entry stays in the outbox as a `skip`, so
 * the client's sequence keeps no hole and later mutations keep flowing. Returns the change, or
 * null if `seq` is not pending.
 */
export async function discardPending(db: SyncDatabase, seq: number): Promise<ChangeSet | null> {
  const entry = await db.outbox.get(seq);
  if (!entry || entry.op === 'skip') return null;
  const store = db.records(entry.collection);
  return db.transaction('rw', [store.table, db.outbox], async () => {
    const sameRecord = await db.outbox
      .where('[collection+recordId]')
      .equals([entry.collection, entry.recordId])
      .toArray();
    const changes: ChangeSet = new Map();
    noteChange(changes, entry.collection, entry.recordId, entry.before);
    await Promise.all([
      db.outbox.bulkPut(sameRecord.filter((other) => other.seq >= seq).map(skipOf)),
      writeChanges(db, changes),
    ]);
    return changes;
  });
}

/** A placeholder for a discarded entry: it keeps its `seq` but names no record, so nothing counts it as pending. */
function skipOf({ seq, mutationId, at, collection, recordId }: OutboxEntry): OutboxEntry {
  return {
    seq,
    mutationId,
    at,
    op: 'skip',
    collection: '',
    recordId: '',
    discarded: { collection, recordId },
    baseVersion: null,
    before: null,
    attempts: 0,
    lastError: null,
    nextAttemptAt: null,
  };
}
