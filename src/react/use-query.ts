import { useMemo, useSyncExternalStore } from 'react';
import type { CollectionQuery, SyncRecord } from '../../protocol/index.ts';
import { ExternalStore } from './external-store.ts';
import { queryKey } from './query-key.ts';
import { useSyncClient } from './use-sync-client.ts';

/** A live query's state: `records` is undefined until the first result arrives. */
export interface QueryState<T> {
  records: T[] | undefined;
  isLoading: boolean;
}

/**
 * The records of `collection` matching `query` (as `Collection.list`), kept up to date live:
 * the component re-renders after every change to them, made in any tab or brought by a sync.
 * Queries are compared by value, so an inline query object does not restart the live query.
 * @throws {SyncError} `missing_provider` outside a `SyncWorkerProvider`.
 */
export function useQuery<T extends { id: string } = SyncRecord>(
  collection: string,
  query: CollectionQuery<T> = {},
): QueryState<T> {
  const client = useSyncClient();
  const key = queryKey(query);
  const store = useMemo(() => {
    const stable = JSON.parse(key) as CollectionQuery<T>;
    return new ExternalStore<T[]>((set) => client.collection<T>(collection).subscribe(stable, set));
  }, [client, collection, key]);
  const records = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getServerSnapshot);
  return { records, isLoading: records === undefined };
}
