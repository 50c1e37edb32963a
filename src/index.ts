export type {
  ErrorCode,
  RestRoutes,
  SyncRecord,
  SyncStatus,
  SyncWorkerConfig,
  WireError,
} from '../protocol/index.ts';
export { PROTOCOL_VERSION, SyncError } from '../protocol/index.ts';
export { type ConnectOptions, connect } from './connect.ts';
export type { SyncClient, SyncClientEventMap } from './sync-client.ts';
