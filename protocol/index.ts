export type * from './config.ts';
export * from './errors.ts';
export type { FieldPath, PathValue, SortField } from './record-paths.ts';
export type { RecordOf, Schema, SchemaType, ValueOf } from './schema.ts';
export * from './version.ts';
export type * from './wire.ts';
export * from './worker-api.ts';
