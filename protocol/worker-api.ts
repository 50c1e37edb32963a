import type { ImportSummary } from './data-export.ts';
import type { WireError } from './errors.ts';
import type { Scalar } from './query.ts';
import type { SortOf, WhereOf } from './record-paths.ts';
import type { Mutation, MutationOp, MutationStatus, SyncRecord } from './wire.ts';

/** Why the worker is not syncing although it has work. */
export type PauseReason =
  /** The server refused the token: the page must hand over a fresh one (`setToken`). */
  | 'unauthorized'
  /** Paused on purpose (devtools offline toggle, `pause()`). */
  | 'manual';

export interface StorageState {
  usage: number | null;
  quota: number | null;
  /** Whether the browser promised not to evict this origin's data. */
  isPersisted: boolean | null;
  /** Set when a write failed because the origin ran out of storage. */
  error: WireError | null;
}

/** What the worker reports about synchronisation. */
export interface SyncStatus {
  /** The signed-in user, or null for the anonymous database. */
  userId: string | null;
  /** Changes waiting to be sent (own and imported); the `skip` entries an undo leaves are not counted. */
  pending: number;
  /** Replay-route requests waiting to be sent. */
  queuedRequests: number;
  deadLetters: number;
  isSyncing: boolean;
  /** Epoch ms of the last successful sync run, or null. */
  lastSyncAt: number | null;
  /** Epoch ms of the next scheduled retry, or null when none is scheduled. */
  nextAttemptAt: number | null;
  /** The error of the last failed run, or null after a success. */
  lastError: WireError | null;
  pausedReason: PauseReason | null;
  storage: StorageState;
}

/** What became of one pushed mutation, told to every tab. */
export interface MutationOutcome {
  seq: number;
  mutationId: string;
  collection: string;
  recordId: string;
  op: MutationOp;
  status: MutationStatus;
  record?: SyncRecord | null;
  error?: WireError;
}

/** Comparisons on one field of a collection query; every operator given must hold. */
export interface FieldOperators {
  gt?: string | number | boolean;
  gte?: string | number | boolean;
  lt?: string | number | boolean;
  lte?: string | number | boolean;
  /** Equal to none of these. */
  ne?: Scalar | Scalar[];
  /** A case-insensitive regular expression the value (as a string) must match. */
  like?: string;
}

/** What a field of a collection query must be: a value, any of several values, or comparisons. */
export type CollectionFilter = Scalar | Scalar[] | FieldOperators;

/**
 * A query over a collection's local records (matching rules: `protocol/query-match.ts`). With a
 * record type `T` (`client.collection<Todo>('todos')`), `where` and `sort` take only `T`'s fields.
 */
export interface CollectionQuery<T = SyncRecord> {
  /** Field (dot path for nested fields) -> filter; every field's filter must hold. */
  where?: WhereOf<T>;
  /** Full-text search: a case-insensitive substring of any string in the record. */
  text?: string;
  /** Field to sort by; `-field` sorts descending; several as an array (or, untyped, comma-separated). */
  sort?: SortOf<T>;
  limit?: number;
  offset?: number;
}

/** A local mutation waiting in the outbox: the wire mutation (its `id` as `mutationId`) and its delivery attempts. */
export interface PendingMutation extends Omit<Mutation, 'id'> {
  mutationId: string;
  attempts: number;
  lastError: WireError | null;
}

/** Something the server refused for good: a mutation, or a replayed request. */
export interface DeadLetterInfo {
  id: string;
  kind: 'mutation' | 'request';
  error: WireError;
  rejectedAt: number;
  mutation?: PendingMutation;
  request?: { method: string; url: string; status: number };
}

/** A local write's result: the record as now stored (null after a delete) and its pending count. */
export interface LocalWriteResult {
  record: SyncRecord | null;
  pending: number;
}

/** What one sync run did, logged when it ends (a run that found nothing to do is not logged). */
export interface SyncRunSummary {
  /** How long the run took, in ms. */
  durationMs: number;
  /** Mutations the server settled (applied, duplicate or conflict). */
  pushed: number;
  /** Changes pulled from the server. */
  pulled: number;
  /** Mutations the server rejected for good (now dead letters). */
  failed: number;
  /** Outbox entries when the run started and when it ended. */
  outboxBefore: number;
  outboxAfter: number;
  /** Why the run stopped early, or null when it finished. */
  error: WireError | null;
}

/** An entry of the worker's bounded sync log. */
export interface SyncLogEntry {
  id?: number;
  at: number;
  kind: 'run' | 'push' | 'pull' | 'replay' | 'error' | 'pause' | 'user' | 'conflict' | 'rejected' | 'query';
  message: string;
  details?: Record<string, unknown>;
  /** Set on `run` entries. */
  run?: SyncRunSummary;
}

export interface Handshake {
  protocolVersion: number;
}

/** One write of a bulk write: create or replace a record, or delete one. */
export type BulkWrite = { op: 'put'; record: SyncRecord } | { op: 'delete'; id: string };

/** Result of a worker call: Comlink drops error codes, so failures travel as data. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: WireError };

/** The worker's Comlink surface: the worker implements it, the page wraps it. */
export interface WorkerApi {
  /** First call on every link: exchanges protocol versions; tells the page the sync URL and the routed path prefixes. */
  handshake(page: Handshake): Promise<Outcome<Handshake & { syncUrl: string; routes: string[] }>>;
  /** Answers at once, however busy the worker is: tells a long call from a stopped worker. */
  ping(): Promise<Outcome<null>>;
  /** Runs a sync now (push, replay, pull), ignoring backoff; resolves to the status after it. */
  syncNow(): Promise<Outcome<SyncStatus>>;
  /** Asks for a sync soon, honouring backoff (visibility, online, timer, realtime poke). */
  kick(reason: string): Promise<Outcome<void>>;
  status(): Promise<Outcome<SyncStatus>>;
  /** Hands over a fresh token for the current user; resumes a queue paused by a 401. */
  setToken(token: string | null): Promise<Outcome<void>>;
  /** Switches to `userId`'s own database; the previous user's unsent changes stay with them. */
  signIn(userId: string, token: string | null): Promise<Outcome<SyncStatus>>;
  /** Returns to the anonymous database, parking or clearing the user's data (`SyncWorkerConfig.signOut`). */
  signOut(): Promise<Outcome<SyncStatus>>;
  /** The latest entries of the sync log, newest last. */
  log(limit: number): Promise<Outcome<SyncLogEntry[]>>;
  /** Names of the synced collections. */
  collections(): Promise<Outcome<string[]>>;
  get(collection: string, id: string): Promise<Outcome<SyncRecord | null>>;
  list(collection: string, query: CollectionQuery): Promise<Outcome<SyncRecord[]>>;
  /** `put` creates or replaces, `patch` merges fields, `delete` removes; each queues its mutation. */
  write(
    collection: string,
    op: 'put' | 'patch' | 'delete',
    id: string,
    fields?: Record<string, unknown>,
  ): Promise<Outcome<LocalWriteResult>>;
  /** Several puts and deletes committed together (a delete of a missing record is a no-op); resolves to how many changed. */
  writeMany(collection: string, writes: BulkWrite[]): Promise<Outcome<number>>;
  outbox(limit: number): Promise<Outcome<PendingMutation[]>>;
  /** Drops a pending mutation and the later ones on the same record, restoring the record as it was before. */
  discardPending(seq: number): Promise<Outcome<void>>;
  deadLetters(): Promise<Outcome<DeadLetterInfo[]>>;
  /** Queues a dead letter again (a mutation gets a new seq and is re-applied locally). */
  retryDeadLetter(id: string): Promise<Outcome<void>>;
  discardDeadLetter(id: string): Promise<Outcome<void>>;
  /** Stops network sync (local reads and writes go on) until `resume`. */
  pause(): Promise<Outcome<SyncStatus>>;
  resume(): Promise<Outcome<SyncStatus>>;
  /** The current user's local data as an export file (JSON text, `protocol/data-export.ts`). */
  exportData(): Promise<Outcome<string>>;
  /** Imports an export file of the current user; its unsent mutations are sent once, under their original client. */
  importData(text: string): Promise<Outcome<ImportSummary>>;
}

/** Message a page posts to the worker to open a Comlink link on `port` (a MessagePort). */
export interface ConnectMessage<Port = unknown> {
  type: typeof CONNECT_MESSAGE_TYPE;
  port: Port;
}

/** Sent by a page to activate a waiting worker (workbox-window's `messageSkipWaiting`). */
export const SKIP_WAITING_MESSAGE_TYPE = 'SKIP_WAITING';

/**
 * Sent by a page the active worker does not control (a hard reload bypasses the worker): the
 * worker claims its clients, unless configured not to (`claimClients: false`).
 */
export const CLAIM_MESSAGE_TYPE = 'syncworker:claim';

/** One collection's changed records: as now stored, and the ids deleted. */
export interface RecordChanges {
  upserted: SyncRecord[];
  deleted: string[];
}

/** Broadcast from the worker to every page (BroadcastChannel `syncworker`). */
export type WorkerEvent =
  /** Records changed; `changes` lists them per collection, except for collections with too many to list (re-query those). */
  | { type: 'changed'; collections: string[]; changes: Record<string, RecordChanges> }
  | { type: 'status'; status: SyncStatus }
  | { type: 'outcomes'; outcomes: MutationOutcome[] }
  | { type: 'progress'; pulled: number; hasMore: boolean };

/** Name of the BroadcastChannel the worker announces changes on. */
export const BROADCAST_CHANNEL = 'syncworker';
export const CONNECT_MESSAGE_TYPE = 'syncworker:connect';
