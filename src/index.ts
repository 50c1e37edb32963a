export type { ExportFile, ImportSummary } from '../protocol/data-export.ts';
export type {
  CollectionQuery,
  DeadLetterInfo,
  ErrorCode,
  FieldPath,
  LocalWriteResult,
  MutationOutcome,
  PauseReason,
  PendingMutation,
  RecordOf,
  RestRoutes,
  Schema,
  SchemaType,
  SortField,
  StorageState,
  SyncLogEntry,
  SyncRecord,
  SyncRunSummary,
  SyncStatus,
  SyncWorkerConfig,
  WireError,
} from '../protocol/index.ts';
export { PROTOCOL_VERSION, SyncError } from '../protocol/index.ts';
export type { Collection } from './collection.ts';
export { type ConnectOptions, connect } from './connect.ts';
export type { PageSyncStatus, SyncClient, SyncClientEventMap, TokenProvider } from './sync-client.ts';
