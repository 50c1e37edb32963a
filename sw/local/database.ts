import { Dexie, type Table } from 'dexie';
import type { PendingMutation, SyncLogEntry, SyncRecord, WireError } from '../../protocol/index.ts';
import { SyncError } from '../../protocol/index.ts';
import { RecordStore } from './record-store.ts';
import { type IndexSpec, storeSchema } from './stored-record.ts';

/** A queued local mutation. */
export interface OutboxEntry extends PendingMutation {
  nextAttemptAt: number | null;
  /** The local record before this write, to restore it if the mutation is discarded. */
  before: SyncRecord | null;
  /** On a `skip`: the record the discarded mutation was for (a discard that came too late adopts the server's record). */
  discarded?: { collection: string; recordId: string };
}

/** A mutation of another client, brought by an import: sent under that client's id and `seq` (the server dedups it). */
export interface ImportedMutation extends PendingMutation {
  clientId: string;
}

/** A replay-route request that failed on the network, waiting to be sent again. */
export interface QueuedRequest {
  /** Insertion order: requests are replayed in it. */
  order?: number;
  /** Also the `Idempotency-Key` of every replay. */
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
  queuedAt: number;
  attempts: number;
  lastError: WireError | null;
}

/** Something the server refused for good, kept for the app to inspect, retry or discard. */
export type DeadLetter = { id: string; error: WireError; rejectedAt: number } & (
  | { kind: 'mutation'; mutation: OutboxEntry }
  | { kind: 'request'; request: QueuedRequest; status: number }
);

/**
 * The answer a write with an `Idempotency-Key` got, kept so that the same request dispatched
 * again (the browser re-sends a fetch to a fresh worker if it stopped the old one mid-request)
 * gets that answer instead of taking effect twice.
 */
export interface WriteReceipt {
  key: string;
  /** `METHOD path` and a hash of the body: the same key with another request is refused. */
  fingerprint: string;
  status: number;
  record: SyncRecord | null;
  pending: number;
  at: number;
}

export interface MetaEntry {
  key: MetaKey;
  value: unknown;
}

export type MetaKey =
  | 'clientId'
  | 'nextSeq'
  | 'cursor'
  | 'lastAppliedSeq'
  /** Every mutation up to this seq had its push result adopted (see `PullRequest.settledSeq`). */
  | 'settledSeq'
  | 'token'
  /** Network sync paused from a page (`pause()`), kept across worker restarts. */
  | 'isPaused'
  /** Per imported client id: the highest `seq` the server has acknowledged, so a re-import skips them. */
  | 'importedAppliedSeqs'
  | 'indexedFields';

const RESERVED_TABLES = ['outbox', 'importedOutbox', 'meta', 'deadLetters', 'requests', 'log', 'receipts'];

/** The worker's IndexedDB database: one table per collection plus the sync bookkeeping. */
export class SyncDatabase extends Dexie {
  declare outbox: Table<OutboxEntry, number>;
  declare importedOutbox: Table<ImportedMutation, [string, number]>;
  declare meta: Table<MetaEntry, MetaKey>;
  declare deadLetters: Table<DeadLetter, string>;
  declare requests: Table<QueuedRequest, number>;
  declare log: Table<SyncLogEntry, number>;
  declare receipts: Table<WriteReceipt, string>;
  readonly collections: readonly string[];
  readonly #stores = new Map<string, RecordStore>();

  /**
   * Opens (creating or migrating) the database of these collections and their indexes. Changed
   * indexes are migrated in place by Dexie 4, which upgrades a schema without a version bump.
   */
  constructor(name: string, indexes: ReadonlyMap<string, IndexSpec[]>) {
    // Strict durability: an acknowledged write must survive a crash or power loss. The worker
    // is the only writer and uses no liveQuery, so Dexie's change tracking and cache are dead weight.
    super(name, { chromeTransactionDurability: 'strict', cache: 'disabled' });
    this.unuse({ stack: 'dbcore', name: 'Observability' });
    const collections = [...indexes.keys()];
    for (const collection of collections) {
      if (RESERVED_TABLES.includes(collection) || !/^[a-z][a-z0-9_]*$/.test(collection)) {
        throw new SyncError(
          'unknown_collection',
          `"${collection}" cannot be a collection name: use [a-z][a-z0-9_]* and none of ${RESERVED_TABLES.join(', ')}`,
        );
      }
    }
    this.collections = collections;
    this.version(1).stores({
      outbox: 'seq, [collection+recordId]',
      meta: 'key',
      deadLetters: 'id, rejectedAt',
      requests: '++order, id',
      log: '++id',
      receipts: 'key, at',
      ...Object.fromEntries([...indexes].map(([collection, specs]) => [collection, storeSchema(specs)])),
    });
    this.version(2).stores({ importedOutbox: '[clientId+seq], [collection+recordId]' });
    // `op`: the skips an undo leaves are counted apart, as no change of the user's.
    this.version(3).stores({ outbox: 'seq, [collection+recordId], op' });
    for (const [collection, specs] of indexes) {
      this.#stores.set(collection, new RecordStore(collection, this.table(collection), specs));
    }
  }

  /** The table of a configured collection; throws `unknown_collection` for any other name. */
  records(collection: string): RecordStore {
    const store = this.#stores.get(collection);
    if (!store) {
      throw new SyncError(
        'unknown_collection',
        `Unknown collection "${collection}"; configured: ${this.collections.join(', ')}`,
      );
    }
    return store;
  }

  async getMeta<T>(key: MetaKey): Promise<T | undefined> {
    return (await this.meta.get(key))?.value as T | undefined;
  }

  async setMeta(key: MetaKey, value: unknown): Promise<void> {
    await this.meta.put({ key, value });
  }
}
