import type { StorageState, SyncStatus, WireError } from '../protocol/index.ts';
import { SyncError } from '../protocol/index.ts';
import { broadcast } from './link/broadcast.ts';
import type { ResolvedConfig } from './config.ts';
import { SyncDatabase } from './local/database.ts';
import { type RunResult, SyncScheduler } from './sync/scheduler.ts';
import { appendLog } from './local/sync-log.ts';
import { runSync } from './sync/sync-run.ts';

declare const self: ServiceWorkerGlobalScope;

/** Background Sync tag registered after each local write; the worker's `sync` listener answers it. */
export const SYNC_TAG = 'syncworker';

/** The IndexedDB database of one user (or of the anonymous user, `null`). */
export function databaseNameFor(config: ResolvedConfig, userId: string | null): string {
  return userId === null ? config.databaseName : `${config.databaseName}:${userId}`;
}

/**
 * One user's data and sync: their database, their token and their scheduler. A run binds the
 * database and token it starts with, so one user's outbox is never sent with another's token.
 */
export class UserSpace {
  readonly userId: string | null;
  readonly db: SyncDatabase;
  readonly scheduler: SyncScheduler;
  readonly #config: ResolvedConfig;
  #token: string | null;
  #storageError: WireError | null = null;

  private constructor(config: ResolvedConfig, userId: string | null, db: SyncDatabase, token: string | null) {
    this.#config = config;
    this.userId = userId;
    this.db = db;
    this.#token = token;
    this.scheduler = new SyncScheduler(
      () => this.#syncOnce(),
      (_state, error) => void this.#schedulerChanged(error),
    );
  }

  static async open(config: ResolvedConfig, userId: string | null): Promise<UserSpace> {
    const db = new SyncDatabase(databaseNameFor(config, userId), config.collections);
    return new UserSpace(config, userId, db, (await db.getMeta<string>('token')) ?? null);
  }

  /** Stores a fresh token (kept for Background Sync with no page open) and resumes a queue paused by a 401. */
  async setToken(token: string | null): Promise<void> {
    this.#token = token;
    await this.db.setMeta('token', token);
    this.scheduler.resume('unauthorized');
  }

  /** After local data changed without a new mutation (a discard): tell the tabs. */
  async afterLocalChange(collection: string): Promise<void> {
    broadcast({ type: 'changed', collections: [collection] });
    await this.publishStatus();
  }

  /** After a local write: tell the tabs, ask the browser for Background Sync, and sync soon. */
  async afterLocalWrite(collection: string | null): Promise<void> {
    if (collection) broadcast({ type: 'changed', collections: [collection] });
    if (this.#config.backgroundSync) {
      await self.registration?.sync?.register(SYNC_TAG).catch(() => undefined);
    }
    await this.scheduler.request();
  }

  /** Remembers that the origin ran out of storage, for the status. */
  noteStorageError(error: SyncError): void {
    this.#storageError = error.toWire().error;
    void this.publishStatus();
  }

  async status(): Promise<SyncStatus> {
    const [pending, queuedRequests, deadLetters, storage] = await Promise.all([
      this.db.outbox.count(),
      this.db.requests.count(),
      this.db.deadLetters.count(),
      this.#storageState(),
    ]);
    return { userId: this.userId, pending, queuedRequests, deadLetters, ...this.scheduler.state, storage };
  }

  async publishStatus(): Promise<void> {
    broadcast({ type: 'status', status: await this.status() });
  }

  /** Stops syncing (after a run in progress) and closes the database. */
  async close(): Promise<void> {
    await this.scheduler.stop();
    this.db.close();
  }

  async #syncOnce(): Promise<RunResult> {
    const isComplete = await runSync(this.db, this.#config.syncUrl, this.#token, {
      onOutcomes: (outcomes) => broadcast({ type: 'outcomes', outcomes }),
      onChanged: (collections) => broadcast({ type: 'changed', collections }),
      onProgress: (pulled, hasMore) => broadcast({ type: 'progress', pulled, hasMore }),
    });
    return { isComplete };
  }

  async #schedulerChanged(error: unknown): Promise<void> {
    if (error) {
      const { code, message } = error instanceof SyncError ? error : new SyncError('internal_error', String(error));
      const isPause = this.scheduler.state.pausedReason !== null;
      await appendLog(this.db, { kind: isPause ? 'pause' : 'error', message, details: { code } });
    }
    await this.publishStatus().catch(() => undefined);
  }

  async #storageState(): Promise<StorageState> {
    const storage = self.navigator?.storage;
    const estimate = await storage?.estimate().catch(() => null);
    const isPersisted = await storage?.persisted().catch(() => null);
    return {
      usage: estimate?.usage ?? null,
      quota: estimate?.quota ?? null,
      isPersisted: isPersisted ?? null,
      error: this.#storageError,
    };
  }
}
