import type { Handshake, Outcome, WorkerApi } from '../../protocol/index.ts';
import { PROTOCOL_VERSION, SyncError } from '../../protocol/index.ts';
import { discardDeadLetter, listDeadLetters, pendingView, retryDeadLetter } from '../local/dead-letters.ts';
import { applyListQuery, fromCollectionQuery } from '../list-query.ts';
import { deleteRecord, patchRecord, putRecord } from '../local/local-writes.ts';
import { discardPending, peekOutbox } from '../local/outbox.ts';
import type { SyncRuntime } from '../runtime.ts';
import { appendLog, readLog } from '../local/sync-log.ts';

/** The object pages call through Comlink. Every method is safe to retry after a lost reply. */
export function createWorkerApi(runtime: SyncRuntime): WorkerApi {
  const space = () => runtime.space();
  return {
    handshake: (page: Handshake) =>
      outcome(async () => {
        if (page.protocolVersion !== PROTOCOL_VERSION) {
          throw new SyncError(
            'version_mismatch',
            `The page speaks protocol ${page.protocolVersion}, this worker ${PROTOCOL_VERSION}; reload the page`,
          );
        }
        return { protocolVersion: PROTOCOL_VERSION, syncUrl: runtime.config.syncUrl };
      }),
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
      outcome(async () =>
        applyListQuery(await (await space()).db.records(collection).toArray(), fromCollectionQuery(query)),
      ),
    write: (collection, op, id, fields = {}) =>
      outcome(async () => {
        const current = await space();
        const result =
          op === 'put'
            ? await putRecord(current.db, collection, id, fields)
            : op === 'patch'
              ? await patchRecord(current.db, collection, id, fields)
              : await deleteRecord(current.db, collection, id);
        await current.afterLocalWrite(collection);
        return result;
      }),
    outbox: (limit) => outcome(async () => (await peekOutbox((await space()).db, limit)).map(pendingView)),
    discardPending: (seq) =>
      outcome(async () => {
        const collection = await discardPending((await space()).db, seq);
        if (collection) await (await space()).afterLocalChange(collection);
      }),
    deadLetters: () => outcome(async () => listDeadLetters((await space()).db)),
    retryDeadLetter: (id) =>
      outcome(async () => {
        const current = await space();
        const collection = await retryDeadLetter(current.db, id);
        await current.afterLocalWrite(collection);
      }),
    discardDeadLetter: (id) =>
      outcome(async () => {
        const current = await space();
        await discardDeadLetter(current.db, id);
        await current.publishStatus();
      }),
    pause: () =>
      outcome(async () => {
        const current = await space();
        current.scheduler.pause('manual');
        await appendLog(current.db, { kind: 'pause', message: 'network sync paused from a page' });
        return current.status();
      }),
    resume: () =>
      outcome(async () => {
        const current = await space();
        await appendLog(current.db, { kind: 'pause', message: 'network sync resumed from a page' });
        current.scheduler.resume('manual');
        return current.status();
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
