export type { RecordOf, RestRoutes, Schema, SchemaType, SyncWorkerConfig } from '../protocol/index.ts';
export { installSyncWorker } from './install.ts';
export { SYNC_TAG } from './user-space.ts';
