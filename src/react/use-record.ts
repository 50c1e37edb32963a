import { useMemo, useSyncExternalStore } from 'react';
import type { SyncRecord } from '../../protocol/index.ts';
import type { SyncClient } from '../sync-client.ts';
import { ExternalStore } from './external-store.ts';
import { useSyncClient } from './use-sync-client.ts';

/** One record's state: `record` is undefined while loading, null when there is no such record. */
export interface RecordState<T> {
  record: T | null | undefined;
  isLoading: boolean;
}

/**
 * One record of `collection`, kept up to date live (written in any tab, or brought by a sync).
 * @throws {SyncError} `missing_provider` outside a `SyncWorkerProvider`.
 */
export function useRecord<T extends { id: string } = SyncRecord>(collection: string, id: string): RecordState<T> {
  const client = useSyncClient();
  const store = useMemo(
    () => new ExternalStore<T | null>((set) => watchRecord(client, collection, id, set)),
    [client, collection, id],
  );
  const record = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getServerSnapshot);
  return { record, isLoading: record === undefined };
}

/** Reads the record, then applies the changes the worker announces to it; re-reads when they are not listed. */
function watchRecord<T extends { id: string }>(
  client: SyncClient,
  collection: string,
  id: string,
  set: (record: T | null) => void,
): () => void {
  let isActive = true;
  let reads = 0;
  const read = () => {
    const current = ++reads;
    client
      .collection<T>(collection)
      .get(id)
      .then(
        // A later read or announced change is newer than this answer.
        (record) => isActive && current === reads && set(record),
        (error: unknown) => console.warn('syncworker: useRecord failed', error),
      );
  };
  const stop = client.on('changed', ({ collections, changes }) => {
    if (!collections.includes(collection)) return;
    const listed = changes[collection];
    if (!listed) return read();
    const upserted = listed.upserted.find((record) => record.id === id);
    if (upserted) {
      reads++;
      set(upserted as T);
    } else if (listed.deleted.includes(id)) {
      reads++;
      set(null);
    }
  });
  read();
  return () => {
    isActive = false;
    stop();
  };
}
