import type { MutationOutcome, SyncLogEntry, SyncStatus, WorkerEvent } from '../protocol/index.ts';
import { BROADCAST_CHANNEL } from '../protocol/index.ts';
import type { WorkerLink } from './worker-link.ts';

export type SyncClientEventMap = {
  /** Local records of these collections changed (a write in any tab, or a sync). */
  changed: { collections: string[] };
  status: SyncStatus;
  /** What became of pushed mutations: `applied`, `duplicate`, `conflict` or `rejected`. */
  outcomes: MutationOutcome[];
  /** Records received so far by a pull in progress (a bootstrap reports page by page). */
  progress: { pulled: number; hasMore: boolean };
};

type Listener<K extends keyof SyncClientEventMap> = (event: SyncClientEventMap[K]) => void;

/** Supplies the current user's token; called at connect and whenever the server refuses the token. */
export type TokenProvider = () => string | null | Promise<string | null>;

export interface SyncClientOptions {
  syncUrl: string;
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
  #events: EventSource | null = null;
  #token: string | null = null;
  #isRefreshingToken = false;

  constructor(link: WorkerLink, options: SyncClientOptions) {
    this.#link = link;
    this.#options = options;
    this.#channel.onmessage = (message: MessageEvent<WorkerEvent>) => this.#dispatch(message.data);
    this.#stopTriggers = this.#installTriggers();
  }

  /** Pushes the outbox, replays queued requests and pulls changes now, ignoring backoff. */
  syncNow(): Promise<SyncStatus> {
    return this.#link.call((api) => api.syncNow());
  }

  /** The current sync status: pending count, last sync, next retry, pause reason, storage. */
  status(): Promise<SyncStatus> {
    return this.#link.call((api) => api.status());
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
    const payload =
      event.type === 'status'
        ? event.status
        : event.type === 'outcomes'
          ? event.outcomes
          : event.type === 'progress'
            ? { pulled: event.pulled, hasMore: event.hasMore }
            : { collections: event.collections };
    for (const listener of this.#listeners.get(event.type) ?? []) listener(payload as never);
    if (event.type === 'status' && event.status.pausedReason === 'unauthorized') void this.#refreshToken();
  }

  /** Asks the app for a token after the server refused the current one (once at a time). */
  async #refreshToken(): Promise<void> {
    const getToken = this.#options.getToken;
    if (!getToken || this.#isRefreshingToken) return;
    this.#isRefreshingToken = true;
    try {
      const token = await getToken();
      if (token !== this.#token || token === null) await this.setToken(token);
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
