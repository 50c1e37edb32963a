export type { RecordOf, Schema, SchemaType, ValueOf } from '../protocol/schema.ts';
export type { AuthOptions } from './auth.ts';
export type { CollectionSchema, CollectionSchemas } from './collections.ts';
export type { Conflict, ConflictResolver, ConflictStrategy } from './conflicts.ts';
export { createServer, type ServerOptions, type SyncServer } from './create-server.ts';
export type { JwtOptions } from './jwt.ts';
export { jsonLogger, type LogEntry, type Logger, silentLogger } from './logger.ts';
export type { Sql, Storage } from './storage.ts';
