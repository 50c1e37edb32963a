export type { RestRoutes, SyncWorkerConfig } from '../protocol/index.ts';
export { installSyncWorker, SYNC_TAG } from './install.ts';
