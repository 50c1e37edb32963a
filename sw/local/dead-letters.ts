import type { DeadLetterInfo, PendingMutation } from '../../protocol/index.ts';
import { SyncError } from '../../protocol/index.ts';
import { type ChangeSet, noteChange, writeChanges } from './change-set.ts';
import type { DeadLetter, OutboxEntry, SyncDatabase } from './database.ts';
import { enqueueMutation } from './outbox.ts';

/** Dead letters as the page sees them, oldest first. */
export async function listDeadLetters(db: SyncDatabase): Promise<DeadLetterInfo[]> {
  const letters = await db.deadLetters.orderBy('rejectedAt').toArray();
  return letters.map((letter) => {
    const base = { id: letter.id, kind: letter.kind, error: letter.error, rejectedAt: letter.rejectedAt };
    return letter.kind === 'mutation'
      ? { ...base, mutation: pendingView(letter.mutation) }
      : { ...base, request: { method: letter.request.method, url: letter.request.url, status: letter.status } };
  });
}

/**
 * Queues a dead letter again: a mutation is re-applied locally and gets a new seq (the server
 * has already counted the old one); a request goes back to the end of the replay queue.
 * Returns the local change it made (empty for a request).
 */
export async function retryDeadLetter(db: SyncDatabase, id: string): Promise<ChangeSet> {
  const letter = await requireLetter(db, id);
  if (letter.kind === 'request') {
    const { order, ...request } = letter.request;
    await db.transaction('rw', db.requests, db.deadLetters, async () => {
      await db.requests.add({ ...request, attempts: 0, lastError: null });
      await db.deadLetters.delete(id);
    });
    return new Map();
  }
  const { mutation } = letter;
  const store = db.records(mutation.collection);
  const changes: ChangeSet = new Map();
  await db.transaction('rw', [store.table, db.outbox, db.meta, db.deadLetters], async () => {
    const current = (await store.get(mutation.recordId)) ?? null;
    const record =
      mutation.op === 'delete'
        ? null
        : { ...(mutation.op === 'update' ? current : {}), ...mutation.data, id: mutation.recordId };
    noteChange(changes, mutation.collection, mutation.recordId, record);
    await writeChanges(db, changes);
    await enqueueMutation(db, {
      collection: mutation.collection,
      op: mutation.op,
      recordId: mutation.recordId,
      ...(mutation.data ? { data: mutation.data } : {}),
      baseVersion: current?._version ?? null,
      before: current,
    });
    await db.deadLetters.delete(id);
  });
  return changes;
}

export async function discardDeadLetter(db: SyncDatabase, id: string): Promise<void> {
  await requireLetter(db, id);
  await db.deadLetters.delete(id);
}

async function requireLetter(db: SyncDatabase, id: string): Promise<DeadLetter> {
  const letter = await db.deadLetters.get(id);
  if (!letter) throw new SyncError('not_found', `No dead letter ${id}`);
  return letter;
}

/** An outbox entry without the worker's private bookkeeping. */
export function pendingView({ before, nextAttemptAt, ...pending }: OutboxEntry): PendingMutation {
  return pending;
}
