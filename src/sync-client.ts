import type { ImportSummary } from '../protocol/data-export.ts';
import type {
  DeadLetterInfo,
  MutationOutcome,
  PendingMutation,
  RecordChanges,
  SyncLogEntry,
  SyncRecord,
  SyncStatus,
  WorkerEvent,
} from '../protocol/index.ts';
import { BROADCAST_CHANNEL } from '../protocol/index.ts';
import { Collection } from './collection.ts';
import type { WorkerLink } from './worker-link.ts';

export type SyncClientEventMap = {
  /** A new worker version is installed and waits; call `applyUpdate()` to switch to it. */
  update: { isWaiting: true };
  /** Local records of these collections changed (a write in any tab, or a sync); `changes` lists them where few. */
  changed: { collections: string[]; changes: Record<string, RecordChanges> };
  status: PageSyncStatus;
  /** What became of pushed mutations: `applied`, `duplicate`, `conflict` or `rejected`. */
  outcomes: MutationOutcome[];
  /** Records received so far by a pull in progress (a bootstrap reports page by page). */
  progress: { pulled: number; hasMore: boolean };
  /**
   * The browser answered the storage persistence request (Firefox: once the user settles its
   * prompt). An answer given before the listener was added is in `isStoragePersisted`.
   */
  persistence: { isPersisted: boolean | null };
};

type Listener<K extends keyof SyncClientEventMap> = (event: SyncClientEventMap[K]) => void;

/** The worker's sync status, and whether it controls this page. */
export interface PageSyncStatus extends SyncStatus {
  /**
   * Whether the worker controls this page, so `fetch` to the routes is answered locally (offline
   * too). False after a hard reload when the worker could not claim the page (`claimClients:
   * false`): those requests go to the server; the collection API still goes through the worker.
   */
  isControlled: boolean;
}

/** Supplies the current user's token; called at connect and whenever the server refuses the token. */
export type TokenProvider = () => string | null | Promise<string | null>;

/** The page's view of worker updates, from workbox-window. */
export interface UpdateControl {
  readonly isWaiting: boolean;
  onWaiting(listener: () => void): void;
  apply(): Promise<void>;
}

export interface SyncClientOptions {
  syncUrl: string;
  /** The browser's pending answer to the storage persistence request; null when not asked. */
  persistence: Promise<boolean | null> | null;
  updates: UpdateControl;
  syncIntervalMs: number;
  getToken: TokenProvider | undefined;
  realtime: boolean;
}

/** A page's handle on the syncworker runtime. Created by `connect()`. */
export class SyncClient {
  readonly #link: WorkerLink;
  readonly #options: SyncClientOptions;
  readonly #channel = new BroadcastChannel(BROADCAST_CHANNEL);
  readonly #listeners = new Map<keyof SyncClientEventMap, Set<(event: never) => void>>();
  readonly #stopTriggers: () => void;
  readonly #updates: UpdateControl;
  #events: EventSource | null = null;
  #token: string | null = null;
  #isRefreshingToken = false;
  #isStoragePersisted: boolean | null = null;

  constructor(link: WorkerLink, options: SyncClientOptions) {
    this.#link = link;
    this.#options = options;
    this.#updates = options.updates;
    this.#updates.onWaiting(() => this.#emit('update', { isWaiting: true }));
    this.#channel.onmessage = (message: MessageEvent<WorkerEvent>) => this.#dispatch(message.data);
    this.#stopTriggers = this.#installTriggers();
    void options.persistence?.then((isPersisted) => {
      this.#isStoragePersisted = isPersisted;
      this.#emit('persistence', { isPersisted });
    });
  }

  /** Pushes the outbox, replays queued requests and pulls changes now, ignoring backoff. */
  syncNow(): Promise<SyncStatus> {
    return this.#link.call((api) => api.syncNow());
  }

  /** The current sync status: pending count, last sync, next retry, pause reason, storage, page control. */
  async status(): Promise<PageSyncStatus> {
    return withPageControl(await this.#link.call((api) => api.status()));
  }

  /** Hands the worker a fresh token for the current user; resumes a queue paused by a 401. */
  async setToken(token: string | null): Promise<void> {
    this.#token = token;
    await this.#link.call((api) => api.setToken(token));
    this.#openRealtime();
  }

  /** Switches the worker to `userId`'s own local database. Another user's unsent changes are never sent with this token. */
  async signIn(userId: string, token: string | null = null): Promise<SyncStatus> {
    this.#token = token;
    const status = await this.#link.call((api) => api.signIn(userId, token));
    this.#openRealtime();
    return status;
  }

  /** Returns to the anonymous database; the user's data is parked or cleared as the worker is configured. */
  signOut(): Promise<SyncStatus> {
    this.#token = null;
    this.#events?.close();
    return this.#link.call((api) => api.signOut());
  }

  /** The latest entries of the worker's sync log. */
  log(limit = 100): Promise<SyncLogEntry[]> {
    return this.#link.call((api) => api.log(limit));
  }

  /**
   * A synced collection's records: read, write and live queries. Give the record type
   * (`collection<Todo>('todos')`, e.g. `type Todo = RecordOf<typeof todoSchema>`) to type records,
   * `where` and `sort`.
   */
  collection<T extends { id: string } = SyncRecord>(name: string): Collection<T> {
    return new Collection<T>(name, this.#link, this);
  }

  /** Names of the synced collections. */
  collections(): Promise<string[]> {
    return this.#link.call((api) => api.collections());
  }

  /** Mutations waiting to be pushed, oldest first. */
  outbox(limit = 500): Promise<PendingMutation[]> {
    return this.#link.call((api) => api.outbox(limit));
  }

  /** Sends the outbox now (a retry that ignores backoff). */
  retryPending(): Promise<SyncStatus> {
    return this.syncNow();
  }

  /** Drops a pending mutation and the later ones on its record, restoring the record as it was before. */
  discardPending(seq: number): Promise<void> {
    return this.#link.call((api) => api.discardPending(seq));
  }

  /** Mutations and replayed requests the server refused for good. */
  deadLetters(): Promise<DeadLetterInfo[]> {
    return this.#link.call((api) => api.deadLetters());
  }

  retryDeadLetter(id: string): Promise<void> {
    return this.#link.call((api) => api.retryDeadLetter(id));
  }

  discardDeadLetter(id: string): Promise<void> {
    return this.#link.call((api) => api.discardDeadLetter(id));
  }

  /** Stops network sync (local reads and writes go on), e.g. to test the app offline. */
  pause(): Promise<SyncStatus> {
    return this.#link.call((api) => api.pause());
  }

  resume(): Promise<SyncStatus> {
    return this.#link.call((api) => api.resume());
  }

  /**
   * The current user's local data as a JSON file (records of every collection, unsent changes,
   * pull position), for support or to move to another device with `importData`.
   */
  async exportData(): Promise<Blob> {
    const text = await this.#link.call((api) => api.exportData());
    return new Blob([text], { type: 'application/json' });
  }

  /**
   * Imports a file made by `exportData` (same user). Its unsent changes are sent once, under the
   * client that made them, however often the file is imported and on whichever device; records
   * with unsent local changes keep them.
   * @throws {SyncError} `invalid_export`, `unsupported_export_version`, `export_user_mismatch`.
   */
  async importData(file: Blob | string): Promise<ImportSummary> {
    const text = typeof file === 'string' ? file : await file.text();
    return this.#link.call((api) => api.importData(text));
  }

  /** Whether a new worker version is installed and waits for `applyUpdate()`. */
  get isUpdateWaiting(): boolean {
    return this.#updates.isWaiting;
  }

  /**
   * The browser's answer to the storage persistence request: null until it answers (Firefox
   * waits for the user's choice) or when it was not asked; then the `persistence` event fires.
   */
  get isStoragePersisted(): boolean | null {
    return this.#isStoragePersisted;
  }

  /** Activates the waiting worker version; the link moves to it, the outbox goes with it. */
  async applyUpdate(): Promise<void> {
    await this.#updates.apply();
  }

  /** Subscribes to an event; returns the function that unsubscribes. */
  on<K extends keyof SyncClientEventMap>(type: K, listener: Listener<K>): () => void {
    const listeners = this.#listeners.get(type) ?? new Set();
    listeners.add(listener as (event: never) => void);
    this.#listeners.set(type, listeners);
    return () => listeners.delete(listener as (event: never) => void);
  }

  /** Stops listening and closes the link; the worker keeps syncing for other pages. */
  close(): void {
    this.#stopTriggers();
    this.#events?.close();
    this.#channel.close();
    this.#link.close();
  }

  /** Called by `connect()`: fetches the first token and opens the realtime stream. */
  async start(): Promise<void> {
    if (this.#options.getToken) await this.#refreshToken();
    else this.#openRealtime();
  }

  #dispatch(event: WorkerEvent): void {
    if (event.type === 'status') this.#emit('status', withPageControl(event.status));
    else if (event.type === 'outcomes') this.#emit('outcomes', event.outcomes);
    else if (event.type === 'progress') this.#emit('progress', { pulled: event.pulled, hasMore: event.hasMore });
    else this.#emit('changed', { collections: event.collections, changes: event.changes });
    if (event.type === 'status' && event.status.pausedReason === 'unauthorized') void this.#refreshToken();
  }

  #emit<K extends keyof SyncClientEventMap>(type: K, event: SyncClientEventMap[K]): void {
    for (const listener of this.#listeners.get(type) ?? []) listener(event as never);
  }

  /** Asks the app for a token after the server refused the current one (once at a time). */
  async #refreshToken(): Promise<void> {
    const getToken = this.#options.getToken;
    if (!getToken || this.#isRefreshingToken) return;
    this.#isRefreshingToken = true;
    try {
      const token = await getToken();
      // The same token was refused already: resuming with it would only be refused again.
      if (token !== this.#token) await this.setToken(token);
    } catch (error) {
      console.warn('syncworker: the token provider failed', error);
    } finally {
      this.#isRefreshingToken = false;
    }
  }

  /** Holds the server's poke stream and asks the worker to pull on each poke. */
  #openRealtime(): void {
    this.#events?.close();
    if (!this.#options.realtime || typeof EventSource === 'undefined') return;
    const url = new URL(`${this.#options.syncUrl}/events`);
    if (this.#token) url.searchParams.set('access_token', this.#token);
    this.#events = new EventSource(url);
    this.#events.addEventListener('poke', () => this.#kick('poke'));
  }

  #kick(reason: string): void {
    this.#link
      .call((api) => api.kick(reason))
      .catch((error: unknown) => console.warn('syncworker: kick failed', error));
  }

  /** The page-side sync triggers for browsers without Background Sync: online, visibility, a timer. */
  #installTriggers(): () => void {
    const onOnline = () => this.#kick('online');
    const onVisible = () => document.visibilityState === 'visible' && this.#kick('visible');
    const timer = setInterval(
      () => document.visibilityState === 'visible' && this.#kick('timer'),
      this.#options.syncIntervalMs,
    );
    addEventListener('online', onOnline);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      removeEventListener('online', onOnline);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }
}

function withPageControl(status: SyncStatus): PageSyncStatus {
  return { ...status, isControlled: navigator.serviceWorker.controller !== null };
}
