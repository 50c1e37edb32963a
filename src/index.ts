export type {
  ErrorCode,
  MutationOutcome,
  PauseReason,
  RestRoutes,
  StorageState,
  SyncLogEntry,
  SyncRecord,
  SyncStatus,
  SyncWorkerConfig,
  WireError,
} from '../protocol/index.ts';
export { PROTOCOL_VERSION, SyncError } from '../protocol/index.ts';
export { type ConnectOptions, connect } from './connect.ts';
export type { SyncClient, SyncClientEventMap, TokenProvider } from './sync-client.ts';
