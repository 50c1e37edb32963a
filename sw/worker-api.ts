import type { Handshake, Outcome, SyncStatus, WorkerApi } from '../protocol/index.ts';
import { PROTOCOL_VERSION, SyncError } from '../protocol/index.ts';
import type { SyncDatabase } from './database.ts';
import type { SyncScheduler } from './scheduler.ts';

/** The object pages call through Comlink. Every method is safe to retry after a lost reply. */
export function createWorkerApi(db: SyncDatabase, scheduler: SyncScheduler): WorkerApi {
  const status = async (): Promise<SyncStatus> => scheduler.status(await db.outbox.count());
  return {
    handshake: (page: Handshake) =>
      outcome(async () => {
        if (page.protocolVersion !== PROTOCOL_VERSION) {
          throw new SyncError(
            'version_mismatch',
            `The page speaks protocol ${page.protocolVersion}, this worker ${PROTOCOL_VERSION}; reload the page`,
          );
        }
        return { protocolVersion: PROTOCOL_VERSION };
      }),
    syncNow: () =>
      outcome(async () => {
        await scheduler.request({ force: true });
        return status();
      }),
    kick: (reason: string) =>
      outcome(async () => {
        void scheduler.request({ force: reason === 'online' });
      }),
    status: () => outcome(status),
  };
}

/** Comlink keeps only an error's message, so failures cross the link as data. */
async function outcome<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    const syncError = error instanceof SyncError ? error : new SyncError('internal_error', String(error));
    return { ok: false, error: { code: syncError.code, message: syncError.message } };
  }
}
