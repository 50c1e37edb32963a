import { useContext } from 'react';
import { SyncError } from '../../protocol/index.ts';
import type { SyncClient } from '../sync-client.ts';
import { SyncClientContext } from './provider.ts';

/**
 * The `SyncClient` of the nearest `SyncWorkerProvider`.
 * @throws {SyncError} `missing_provider` when no `SyncWorkerProvider` is above the component.
 */
export function useSyncClient(): SyncClient {
  const client = useContext(SyncClientContext);
  if (!client) {
    throw new SyncError(
      'missing_provider',
      'syncworker hooks need a <SyncWorkerProvider client={…}> (or options={…}) above the component',
    );
  }
  return client;
}
