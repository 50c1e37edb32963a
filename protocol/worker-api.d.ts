import type { WireError } from './errors.ts';
/** What the worker reports about synchronisation. */
export interface SyncStatus {
  /** Outbox entries not yet acknowledged by the server. */
  pending: number;
  /** Whether a sync run is in progress. */
  isSyncing: boolean;
  /** Epoch ms of the last successful sync run, or null. */
  lastSyncAt: number | null;
  /** Epoch ms of the next scheduled retry, or null when none is scheduled. */
  nextAttemptAt: number | null;
  /** The error of the last failed run, or null after a success. */
  lastError: WireError | null;
}
export interface Handshake {
  protocolVersion: number;
}
/** Result of a worker call: Comlink drops error codes, so failures travel as data. */
export type Outcome<T> =
  | {
      ok: true;
      value: T;
    }
  | {
      ok: false;
      error: WireError;
    };
/** The worker's Comlink surface: the worker implements it, the page wraps it. */
export interface WorkerApi {
  /** First call on every link: exchanges protocol versions. */
  handshake(page: Handshake): Promise<Outcome<Handshake>>;
  /** Runs a sync now (push then pull), ignoring backoff. */
  syncNow(): Promise<Outcome<SyncStatus>>;
  /** Asks for a sync soon, honouring backoff (visibility, online, timer). */
  kick(reason: string): Promise<Outcome<void>>;
  status(): Promise<Outcome<SyncStatus>>;
}
/** Message a page posts to the worker to open a Comlink link on `port` (a MessagePort). */
export interface ConnectMessage<Port = unknown> {
  type: typeof CONNECT_MESSAGE_TYPE;
  port: Port;
}
/** Broadcast from the worker to every page (BroadcastChannel `syncworker`). */
export type WorkerEvent =
  | {
      type: 'changed';
      collections: string[];
    }
  | {
      type: 'status';
      status: SyncStatus;
    };
/** Name of the BroadcastChannel the worker announces changes on. */
export declare const BROADCAST_CHANNEL = 'syncworker';
export declare const CONNECT_MESSAGE_TYPE = 'syncworker:connect';
