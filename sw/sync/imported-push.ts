import { Dexie } from 'dexie';
import type { MutationOutcome, PushResponse } from '../../protocol/index.ts';
import { SyncError } from '../../protocol/index.ts';
import { type ChangeSet, noteChange, writeChanges } from '../local/change-set.ts';
import type { DeadLetter, ImportedMutation, OutboxEntry, SyncDatabase } from '../local/database.ts';
import { pendingRecordKeys, recordKey } from '../local/outbox.ts';
import { appendLog } from '../local/sync-log.ts';
import { deadLetterOf, isRejection, isTooLarge, outcomeOf, PUSH_BATCH_SIZE, type SettleHooks } from './push.ts';
import type { SyncTransport } from './sync-transport.ts';

/**
 * Sends the mutations an import brought (`importLocalData`), client by client, in `seq` order,
 * under their original client id: the server applies each once, whether the original device,
 * an earlier import or this one sends it first. Runs before this client's own outbox, whose
 * mutations came later. Returns false when `deadline` passed first.
 */
export async function pushImported(
  db: SyncDatabase,
  transport: SyncTransport,
  deadline: number,
  hooks: SettleHooks,
): Promise<boolean> {
  let size = PUSH_BATCH_SIZE;
  for (;;) {
    const first = await db.importedOutbox.orderBy('[clientId+seq]').first();
    if (!first) return true;
    if (Date.now() > deadline) return false;
    const batch = await db.importedOutbox
      .where('[clientId+seq]')
      .between([first.clientId, Dexie.minKey], [first.clientId, Dexie.maxKey])
      .limit(size)
      .toArray();
    let response: PushResponse;
    try {
      response = await transport.push({
        clientId: first.clientId,
        mutations: batch.map(({ clientId, mutationId, attempts, lastError, ...mutation }) => ({
          ...mutation,
          id: mutationId,
        })),
      });
    } catch (error) {
      if (isTooLarge(error) && batch.length > 1) {
        size = Math.ceil(batch.length / 2);
        continue;
      }
      // The original client's earlier mutations never reached the server: these cannot be applied in order.
      if (error instanceof SyncError && error.code === 'seq_gap') {
        await parkClient(db, first.clientId, error);
        continue;
      }
      throw error;
    }
    if (response.lastAppliedSeq < (batch[0]?.seq ?? 0)) {
      // An answer that settles nothing would send the same batch again at once: back off instead.
      throw new SyncError(
        'server_error',
        `The server processed none of client ${first.clientId}'s imported mutations (lastAppliedSeq ${response.lastAppliedSeq})`,
        { retryable: true },
      );
    }
    const { outcomes, changes } = await settleImported(db, first.clientId, batch, response);
    if (outcomes.length > 0) hooks.onOutcomes(outcomes);
    if (changes.size > 0) hooks.onChanged(changes);
    await appendLog(db, {
      kind: 'push',
      message: `pushed ${batch.length} imported mutation(s) of client ${first.clientId}`,
      details: { clientId: first.clientId, firstSeq: batch[0]?.seq, lastAppliedSeq: response.lastAppliedSeq },
    });
  }
}

/** Drops what the server processed, adopts its records, parks rejections; remembers the client's acknowledged `seq`. */
async function settleImported(
  db: SyncDatabase,
  clientId: string,
  batch: ImportedMutation[],
  response: PushResponse,
): Promise<{ outcomes: MutationOutcome[]; changes: ChangeSet }> {
  const outcomes: MutationOutcome[] = [];
  const changes: ChangeSet = new Map();
  const acknowledged = batch.filter((entry) => entry.seq <= response.lastAppliedSeq);
  const stores = [...new Set(acknowledged.map((entry) => entry.collection))]
    .filter((name) => db.collections.includes(name))
    .map((name) => db.records(name).table);
  const tables = [...stores, db.outbox, db.importedOutbox, db.meta, db.deadLetters];
  await db.transaction('rw', tables, async () => {
    await db.importedOutbox.bulkDelete(acknowledged.map((entry) => [clientId, entry.seq]));
    const appliedSeqs = (await db.getMeta<Record<string, number>>('importedAppliedSeqs')) ?? {};
    appliedSeqs[clientId] = Math.max(appliedSeqs[clientId] ?? 0, response.lastAppliedSeq);
    const stillPending = await pendingRecordKeys(
      db,
      acknowledged.map((entry): [string, string] => [entry.collection, entry.recordId]),
    );
    const resultsBySeq = new Map(response.results.map((result) => [result.seq, result]));
    const deadLetters: DeadLetter[] = [];
    for (const entry of acknowledged) {
      const result = resultsBySeq.get(entry.seq);
      if (result && isRejection(result)) deadLetters.push(deadLetterOf(asOutboxEntry(entry), result));
      const isLocal = db.collections.includes(entry.collection);
      if (isLocal && result?.record !== undefined && !stillPending.has(recordKey(entry.collection, entry.recordId))) {
        noteChange(changes, entry.collection, entry.recordId, result.record);
      }
      if (entry.op !== 'skip') outcomes.push(outcomeOf(entry, entry.collection, entry.recordId, result));
    }
    await Promise.all([
      writeChanges(db, changes),
      db.deadLetters.bulkPut(deadLetters),
      db.setMeta('importedAppliedSeqs', appliedSeqs),
    ]);
  });
  return { outcomes, changes };
}

/** Moves every imported mutation of `clientId` to the dead letters with `error`. */
async function parkClient(db: SyncDatabase, clientId: string, error: SyncError): Promise<void> {
  await db.transaction('rw', db.importedOutbox, db.deadLetters, async () => {
    const range = db.importedOutbox.where('[clientId+seq]').between([clientId, Dexie.minKey], [clientId, Dexie.maxKey]);
    const entries = await range.toArray();
    await db.deadLetters.bulkPut(
      entries
        .filter((entry) => entry.op !== 'skip')
        .map((entry) =>
          deadLetterOf(asOutboxEntry(entry), {
            seq: entry.seq,
            status: 'rejected',
            error: { code: error.code, message: error.message },
          }),
        ),
    );
    await range.delete();
  });
  await appendLog(db, { kind: 'error', message: `imported mutations of client ${clientId} parked: ${error.message}` });
}

/** An imported mutation in the shape of a dead letter's mutation (retrying it queues it as this client's own). */
function asOutboxEntry({ clientId, ...entry }: ImportedMutation): OutboxEntry {
  return { ...entry, nextAttemptAt: null, before: null };
}
