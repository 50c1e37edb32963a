import { BROADCAST_CHANNEL, type SyncStatus, type WorkerEvent } from '../protocol/index.ts';
import type { WorkerLink } from './worker-link.ts';

export type SyncClientEventMap = {
  /** Local records of these collections changed (a write in any tab, or a sync). */
  changed: { collections: string[] };
  status: SyncStatus;
};

type Listener<K extends keyof SyncClientEventMap> = (event: SyncClientEventMap[K]) => void;

/** A page's handle on the syncworker runtime. Created by `connect()`. */
export class SyncClient {
  readonly #link: WorkerLink;
  readonly #channel = new BroadcastChannel(BROADCAST_CHANNEL);
  readonly #listeners = new Map<keyof SyncClientEventMap, Set<Listener<keyof SyncClientEventMap>>>();
  readonly #stopTriggers: () => void;

  constructor(link: WorkerLink, syncIntervalMs: number) {
    this.#link = link;
    this.#channel.onmessage = (message: MessageEvent<WorkerEvent>) => {
      const { type, ...payload } = message.data;
      const event = type === 'status' ? message.data.status : payload;
      for (const listener of this.#listeners.get(type) ?? []) listener(event as never);
    };
    this.#stopTriggers = this.#installTriggers(syncIntervalMs);
  }

  /** Pushes the outbox and pulls changes now, ignoring backoff; resolves to the status after the run. */
  syncNow(): Promise<SyncStatus> {
    return this.#link.call((api) => api.syncNow());
  }

  /** The current sync status (pending count, last sync, next retry, last error). */
  status(): Promise<SyncStatus> {
    return this.#link.call((api) => api.status());
  }

  /** Subscribes to an event; returns the function that unsubscribes. */
  on<K extends keyof SyncClientEventMap>(type: K, listener: Listener<K>): () => void {
    const listeners = this.#listeners.get(type) ?? new Set();
    listeners.add(listener as Listener<keyof SyncClientEventMap>);
    this.#listeners.set(type, listeners);
    return () => listeners.delete(listener as Listener<keyof SyncClientEventMap>);
  }

  /** Stops listening and closes the link; the worker keeps syncing for other pages. */
  close(): void {
    this.#stopTriggers();
    this.#channel.close();
    this.#link.close();
  }

  /** The page-side sync triggers for browsers without Background Sync: online, visibility, a timer. */
  #installTriggers(intervalMs: number): () => void {
    const kick = (reason: string) => {
      this.#link
        .call((api) => api.kick(reason))
        .catch((error: unknown) => console.warn('syncworker: kick failed', error));
    };
    const onOnline = () => kick('online');
    const onVisible = () => document.visibilityState === 'visible' && kick('visible');
    const timer = setInterval(() => document.visibilityState === 'visible' && kick('timer'), intervalMs);
    addEventListener('online', onOnline);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      removeEventListener('online', onOnline);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }
}
