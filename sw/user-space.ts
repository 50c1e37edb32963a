import type { StorageState, SyncStatus, WireError } from '../protocol/index.ts';
import { SyncError } from '../protocol/index.ts';
import type { ResolvedConfig } from './config.ts';
import { broadcast } from './link/broadcast.ts';
import { type ChangeSet, describeChanges } from './local/change-set.ts';
import { SyncDatabase } from './local/database.ts';
import { reindexIfChanged } from './local/reindex.ts';
import { schemaCheck } from './local/schema-check.ts';
import { appendLog } from './local/sync-log.ts';
import { WriteBatcher } from './local/write-batcher.ts';
import { type RunResult, SyncScheduler } from './sync/scheduler.ts';
import { runSync } from './sync/sync-run.ts';
import { isUnauthorized } from './sync/sync-transport.ts';

declare const self: ServiceWorkerGlobalScope;

/** Background Sync tag registered after each local write; the worker's `sync` listener answers it. */
export const SYNC_TAG = 'syncworker';

/** Status announcements are coalesced: at most one per this many milliseconds. */
const STATUS_PUBLISH_DELAY_MS = 25;

/** How long a storage estimate is reused before it is refreshed in the background. */
const STORAGE_STATE_TTL_MS = 10_000;

/** Background Sync is registered at most once per this many milliseconds (it stays registered until it fires). */
const BACKGROUND_SYNC_INTERVAL_MS = 1000;

/** How long the answer of a write with an `Idempotency-Key` is kept for a repeated dispatch. */
const RECEIPT_LIFETIME_MS = 24 * 60 * 60 * 1000;

type Counts = Pick<SyncStatus, 'pending' | 'queuedRequests' | 'deadLetters'>;

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
  /** The single way local writes reach the database (group commit). */
  readonly writer: WriteBatcher;
  readonly scheduler: SyncScheduler;
  readonly #config: ResolvedConfig;
  #token: string | null;
  #storageError: WireError | null = null;
  /** Counted once after each change, so `status()` costs no table scans. */
  #counts: Promise<Counts> | null = null;
  #storage: { state: Promise<Omit<StorageState, 'error'>>; at: number } | null = null;
  #isPublishScheduled = false;
  #lastBackgroundSyncAt = 0;

  private constructor(config: ResolvedConfig, userId: string | null, db: SyncDatabase, token: string | null) {
    this.#config = config;
    this.userId = userId;
    this.db = db;
    this.#token = token;
    this.writer = new WriteBatcher(db, (changes) => this.#afterCommit(changes), schemaCheck(config.schemas));
    this.scheduler = new SyncScheduler(
      () => this.#syncOnce(),
      (_state, error) => void this.#schedulerChanged(error),
    );
  }

  static async open(config: ResolvedConfig, userId: string | null): Promise<UserSpace> {
    const db = new SyncDatabase(databaseNameFor(config, userId), config.indexes);
    // A browser re-dispatches a request within moments; a day of receipts is ample.
    void db.receipts
      .where('at')
      .below(Date.now() - RECEIPT_LIFETIME_MS)
      .delete()
      .catch((error: unknown) => console.warn('syncworker: cannot prune write receipts', error));
    await reindexIfChanged(db);
    const space = new UserSpace(config, userId, db, (await db.getMeta<string>('token')) ?? null);
    if (await db.getMeta<boolean>('isPaused')) space.scheduler.pause('manual');
    return space;
  }

  /** Stops network sync until `resume`, also across worker restarts. */
  async pause(): Promise<void> {
    this.scheduler.pause('manual');
    await this.db.setMeta('isPaused', true);
    await appendLog(this.db, { kind: 'pause', message: 'network sync paused from a page' });
  }

  async resume(): Promise<void> {
    await this.db.setMeta('isPaused', false);
    await appendLog(this.db, { kind: 'pause', message: 'network sync resumed from a page' });
    this.scheduler.resume('manual');
  }

  /** Stores a fresh token (kept for Background Sync with no page open) and resumes a queue paused by a 401. */
  async setToken(token: string | null): Promise<void> {
    this.#token = token;
    await this.db.setMeta('token', token);
    this.scheduler.resume('unauthorized');
  }

  /** After local data changed without a new mutation (a discard): tell the tabs. */
  afterLocalChange(changes: ChangeSet): void {
    broadcast({ type: 'changed', ...describeChanges(changes) });
    this.publishStatus();
  }

  /** Asks the browser for Background Sync and syncs soon; resolves when that sync run ends (for `waitUntil`). */
  syncSoon(): Promise<boolean> {
    const now = Date.now();
    if (this.#config.backgroundSync && now - this.#lastBackgroundSyncAt > BACKGROUND_SYNC_INTERVAL_MS) {
      this.#lastBackgroundSyncAt = now;
      void self.registration?.sync?.register(SYNC_TAG).catch(() => undefined);
    }
    return this.scheduler.request();
  }

  /** Remembers that the origin ran out of storage, for the status. */
  noteStorageError(error: SyncError): void {
    this.#storageError = error.toWire().error;
    this.publishStatus();
  }

  /** The current status, from counts kept since the last change and a recent storage estimate. */
  async status(): Promise<SyncStatus> {
    this.#counts ??= this.#count();
    const [counts, storage] = await Promise.all([this.#counts, this.#storageState()]);
    return {
      userId: this.userId,
      ...counts,
      ...this.scheduler.state,
      storage: { ...storage, error: this.#storageError },
    };
  }

  /** Something changed the counts: tell every tab the new status, soon (announcements are coalesced). */
  publishStatus(): void {
    this.#counts = null;
    if (this.#isPublishScheduled) return;
    this.#isPublishScheduled = true;
    setTimeout(() => {
      this.#isPublishScheduled = false;
      this.status().then(
        (status) => broadcast({ type: 'status', status }),
        (error: unknown) => console.warn('syncworker: cannot read the status', error),
      );
    }, STATUS_PUBLISH_DELAY_MS);
  }

  /** Stops syncing (after a run in progress) and closes the database. */
  async close(): Promise<void> {
    await this.scheduler.stop();
    this.db.close();
  }

  async #syncOnce(): Promise<RunResult> {
    const token = this.#token;
    try {
      const isComplete = await runSync(this.db, this.#config.syncUrl, token, {
        onOutcomes: (outcomes) => broadcast({ type: 'outcomes', outcomes }),
        onChanged: (changes) => this.afterLocalChange(changes),
        onProgress: (pulled, hasMore) => broadcast({ type: 'progress', pulled, hasMore }),
      });
      return { isComplete };
    } catch (error) {
      // A token handed over while this run was refused: no pause, run again at once with it.
      if (isUnauthorized(error) && this.#token !== token) return { isComplete: false };
      throw error;
    }
  }

  async #schedulerChanged(error: unknown): Promise<void> {
    if (error) {
      const { code, message } = error instanceof SyncError ? error : new SyncError('internal_error', String(error));
      const isPause = this.scheduler.state.pausedReason !== null;
      await appendLog(this.db, { kind: isPause ? 'pause' : 'error', message, details: { code } });
    }
    this.publishStatus();
  }

  #afterCommit(changes: ChangeSet): void {
    this.afterLocalChange(changes);
    void this.syncSoon();
  }

  #count(): Promise<Counts> {
    const { outbox, importedOutbox, requests, deadLetters } = this.db;
    return Promise.all([
      outbox.count(),
      outbox.where('op').equals('skip').count(),
      importedOutbox.count(),
      requests.count(),
      deadLetters.count(),
    ]).then(([own, skips, imported, queuedRequests, deadLetters]) => ({
      pending: own - skips + imported,
      queuedRequests,
      deadLetters,
    }));
  }

  /** Storage usage and persistence: the browser's estimate is slow, so a recent one is reused. */
  #storageState(): Promise<Omit<StorageState, 'error'>> {
    const now = Date.now();
    if (!this.#storage || now - this.#storage.at > STORAGE_STATE_TTL_MS) {
      const previous = this.#storage?.state;
      const next = readStorageState();
      this.#storage = { state: next, at: now };
      // Answer with the previous estimate while the next one is read.
      if (previous) return previous;
    }
    return this.#storage.state;
  }
}

async function readStorageState(): Promise<Omit<StorageState, 'error'>> {
  const storage = self.navigator?.storage;
  const [estimate, isPersisted] = await Promise.all([
    storage?.estimate().catch(() => null),
    storage?.persisted().catch(() => null),
  ]);
  return { usage: estimate?.usage ?? null, quota: estimate?.quota ?? null, isPersisted: isPersisted ?? null };
}
