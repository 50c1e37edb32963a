import type { Handshake, Outcome, WorkerApi } from '../../protocol/index.ts';
import { PROTOCOL_VERSION, SyncError } from '../../protocol/index.ts';
import { fromCollectionQuery } from '../../protocol/query-params.ts';
import { assertRecordId } from '../../protocol/storable-values.ts';
import { exportLocalData } from '../local/data-export.ts';
import { importLocalData } from '../local/data-import.ts';
import { discardDeadLetter, listDeadLetters, pendingView, retryDeadLetter } from '../local/dead-letters.ts';
import { deleteRecord, patchRecord, putRecord } from '../local/local-writes.ts';
import { discardPending, peekOutbox } from '../local/outbox.ts';
import { queryRecords } from '../local/record-lists.ts';
import { schemaCheck } from '../local/schema-check.ts';
import { readLog } from '../local/sync-log.ts';
import type { SyncRuntime } from '../runtime.ts';
import { clientIdOf } from '../sync/sync-run.ts';

/** The object pages call through Comlink. Every method is safe to retry after a lost reply. */
export function createWorkerApi(runtime: SyncRuntime): WorkerApi {
  const space = () => runtime.space();
  const check = schemaCheck(runtime.config.schemas);
  return {
    handshake: (page: Handshake) =>
      outcome(async () => {
        if (page.protocolVersion !== PROTOCOL_VERSION) {
          throw new SyncError(
            'version_mismatch',
            `The page speaks protocol ${page.protocolVersion}, this worker ${PROTOCOL_VERSION}; reload the page`,
          );
        }
        const routes = runtime.config.routes.map((route) => route.prefix);
        return { protocolVersion: PROTOCOL_VERSION, syncUrl: runtime.config.syncUrl, routes };
      }),
    ping: async () => ({ ok: true, value: null }),
    syncNow: () =>
      outcome(async () => {
        await runtime.requestSync({ force: true, ignoreRetryAfter: true });
        return (await space()).status();
      }),
    kick: (reason: string) =>
      outcome(async () => {
        void runtime.requestSync({ force: reason === 'online' || reason === 'poke' });
      }),
    status: () => outcome(async () => (await space()).status()),
    setToken: (token: string | null) => outcome(async () => (await space()).setToken(token)),
    signIn: (userId: string, token: string | null) => outcome(() => runtime.signIn(userId, token)),
    signOut: () => outcome(() => runtime.signOut()),
    log: (limit: number) => outcome(async () => readLog((await space()).db, limit)),
    collections: () => outcome(async () => [...runtime.config.collections]),
    get: (collection, id) => outcome(async () => (await (await space()).db.records(collection).get(id)) ?? null),
    list: (collection, query) =>
      outcome(async () => queryRecords(await space(), collection, fromCollectionQuery(query))),
    write: (collection, op, id, fields = {}) =>
      outcome(async () => {
        const { writer } = await space();
        const answer =
          op === 'put'
            ? await putRecord(writer, collection, id, fields)
            : op === 'patch'
              ? await patchRecord(writer, collection, id, fields)
              : await deleteRecord(writer, collection, id);
        return { record: answer.record, pending: answer.pending };
      }),
    writeMany: (collection, writes) =>
      outcome(async () => {
        const { writer } = await space();
        // Every id and record is checked before any write is queued, so a bad one fails the whole call and writes nothing.
        for (const write of writes) {
          assertRecordId(write.op === 'put' ? write.record.id : write.id);
          if (write.op === 'put') check(collection, write.record);
        }
        const answers = await Promise.all(
          writes.map((write) =>
            write.op === 'put'
              ? putRecord(writer, collection, write.record.id, write.record, { isCounted: false })
              : deleteRecord(writer, collection, write.id, { ifExists: true, isCounted: false }),
          ),
        );
        return answers.length;
      }),
    outbox: (limit) =>
      outcome(async () =>
        (await peekOutbox((await space()).db, limit)).filter((entry) => entry.op !== 'skip').map(pendingView),
      ),
    discardPending: (seq) =>
      outcome(async () => {
        const current = await space();
        const changes = await discardPending(current.db, seq);
        if (changes) {
          current.afterLocalChange(changes);
          void current.syncSoon();
        }
      }),
    deadLetters: () => outcome(async () => listDeadLetters((await space()).db)),
    retryDeadLetter: (id) =>
      outcome(async () => {
        const current = await space();
        current.afterLocalChange(await retryDeadLetter(current.db, id));
        void current.syncSoon();
      }),
    discardDeadLetter: (id) =>
      outcome(async () => {
        const current = await space();
        await discardDeadLetter(current.db, id);
        current.publishStatus();
      }),
    pause: () =>
      outcome(async () => {
        const current = await space();
        await current.pause();
        return current.status();
      }),
    resume: () =>
      outcome(async () => {
        const current = await space();
        await current.resume();
        return current.status();
      }),
    exportData: () =>
      outcome(async () => {
        const { db, userId } = await space();
        return exportLocalData(db, userId, await clientIdOf(db));
      }),
    importData: (text) =>
      outcome(async () => {
        const current = await space();
        const { summary, changes } = await importLocalData(current.db, current.userId, text);
        current.afterLocalChange(changes);
        if (summary.mutations > 0) void current.syncSoon();
        return summary;
      }),
  };
}

/** Comlink keeps only an error's message, so failures cross the link as data. */
async function outcome<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    const syncError = error instanceof SyncError ? error : new SyncError('internal_error', String(error));
    return { ok: false, error: syncError.toWire().error };
  }
}
