export type { RestRoutes, SyncWorkerConfig } from '../protocol/index.ts';
export { installSyncWorker } from './install.ts';
export { SYNC_TAG } from './user-space.ts';
