export type { Conflict, ConflictResolver, ConflictStrategy } from './conflicts.ts';
export { createServer, type ServerOptions, type SyncServer } from './create-server.ts';
export type { Sql, Storage } from './storage.ts';
