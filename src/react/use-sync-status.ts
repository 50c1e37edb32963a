import { useMemo, useSyncExternalStore } from 'react';
import type { SyncStatus } from '../../protocol/index.ts';
import { ExternalStore } from './external-store.ts';
import { useSyncClient } from './use-sync-client.ts';

/**
 * The worker's sync status (pending changes, last sync, errors, pause reason), re-rendered on
 * every status the worker announces; undefined until the first one is read.
 * @throws {SyncError} `missing_provider` outside a `SyncWorkerProvider`.
 */
export function useSyncStatus(): SyncStatus | undefined {
  const client = useSyncClient();
  const store = useMemo(
    () =>
      new ExternalStore<SyncStatus>((set) => {
        let hasEvent = false;
        let isActive = true;
        const stop = client.on('status', (status) => {
          hasEvent = true;
          set(status);
        });
        client.status().then(
          // An announced status is at least as new as this answer.
          (status) => isActive && !hasEvent && set(status),
          (error: unknown) => console.warn('syncworker: useSyncStatus failed', error),
        );
        return () => {
          isActive = false;
          stop();
        };
      }),
    [client],
  );
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getServerSnapshot);
}
