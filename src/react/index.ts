export { SyncWorkerProvider, type SyncWorkerProviderProps } from './provider.ts';
export { type QueryState, useQuery } from './use-query.ts';
export { type RecordState, useRecord } from './use-record.ts';
export { useSyncClient } from './use-sync-client.ts';
export { useSyncStatus } from './use-sync-status.ts';
