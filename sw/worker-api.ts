import type { Handshake, Outcome, WorkerApi } from '../protocol/index.ts';
import { PROTOCOL_VERSION, SyncError } from '../protocol/index.ts';
import type { SyncRuntime } from './runtime.ts';
import { readLog } from './sync-log.ts';

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
        await runtime.requestSync({ force: true });
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
