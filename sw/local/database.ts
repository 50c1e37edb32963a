import { Dexie, type Table } from 'dexie';
import type { PendingMutation, SyncLogEntry, SyncRecord, WireError } from '../../protocol/index.ts';
import { SyncError } from '../../protocol/index.ts';

/** A queued local mutation (DESIGN.md section 2). */
export interface OutboxEntry extends PendingMutation {
  nextAttemptAt: number | null;
  /** The local record before this write, to restore it if the mutation is discarded. */
  before: SyncRecord | null;
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

export interface MetaEntry {
  key: MetaKey;
  value: unknown;
}

export type MetaKey = 'clientId' | 'nextSeq' | 'cursor' | 'lastAppliedSeq' | 'token';

const RESERVED_TABLES = ['outbox', 'meta', 'deadLetters', 'requests', 'log'];

/** The worker's IndexedDB database: one table per collection plus the sync bookkeeping. */
export class SyncDatabase extends Dexie {
  declare outbox: Table<OutboxEntry, number>;
  declare meta: Table<MetaEntry, MetaKey>;
  declare deadLetters: Table<DeadLetter, string>;
  declare requests: Table<QueuedRequest, number>;
  declare log: Table<SyncLogEntry, number>;
  readonly collections: readonly string[];

  constructor(name: string, collections: readonly string[]) {
    // Strict durability: an acknowledged write must survive a crash or power loss.
    super(name, { chromeTransactionDurability: 'strict' });
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
      ...Object.fromEntries(collections.map((collection) => [collection, 'id'])),
    });
  }

  /** The table of a configured collection; throws `unknown_collection` for any other name. */
  records(collection: string): Table<SyncRecord, string> {
    if (!this.collections.includes(collection)) {
      throw new SyncError(
        'unknown_collection',
        `Unknown collection "${collection}"; configured: ${this.collections.join(', ')}`,
      );
    }
    return this.table(collection);
  }

  async getMeta<T>(key: MetaKey): Promise<T | undefined> {
    return (await this.meta.get(key))?.value as T | undefined;
  }

  async setMeta(key: MetaKey, value: unknown): Promise<void> {
    await this.meta.put({ key, value });
  }
}
