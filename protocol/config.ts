import type { Schema } from './schema.ts';

/** How a route answers reads. */
export type RouteStrategy =
  /** Answer from local data at once (default). */
  | 'local-first'
  /** Sync with the server first (bounded by `networkTimeoutMs`), then answer from local data. */
  | 'network-first';

/** A synced collection and the indexes its queries use. */
export interface CollectionConfig {
  collection: string;
  /**
   * Fields to index, for REST lists, collection queries and live queries: `'done'`, a nested
   * `'author.name'`, or a compound `'[done+createdAt]'` (equality on `done`, sorted by `createdAt`).
   * Changing them in a new worker version migrates the local database in place; `id` is always indexed.
   */
  indexes?: string[];
  /**
   * The records' shape (`protocol/schema.ts`, a JSON Schema subset; the server's `--collections`
   * takes the same): every local write is checked before it is queued, and one that fails is
   * answered `422 invalid_record` with the field and reason.
   */
  schema?: Schema;
}

export interface RestRoute extends CollectionConfig {
  strategy?: RouteStrategy;
}

/** URL path prefix -> collection name or route, e.g. `{ '/api/todos': 'todos' }`. */
export type RestRoutes = Record<string, string | RestRoute>;

/** Configuration of the worker runtime (`installSyncWorker`, or the ready-made worker's `?config=`). */
export interface SyncWorkerConfig {
  /** REST routes answered from local data. */
  routes: RestRoutes;
  /** Further synced collections the app reaches through `client.collection(name)` only, or indexes for routed ones. */
  collections?: (string | CollectionConfig)[];
  /**
   * URL path prefixes of non-CRUD endpoints (e.g. `/api/send-invite`): tried on the network; on a
   * network failure the request is queued, answered `202` with `X-Sync-Queued`, and replayed later.
   */
  replayRoutes?: string[];
  /** Request headers kept when a request is queued for replay. Default: content-type, accept, accept-language. Never `Authorization`. */
  replayHeaders?: string[];
  /**
   * The app's own files (first one: the page to open offline), cached at install and served
   * network-first with the cache as fallback, so the app opens offline. Default: none.
   */
  appShell?: string[];
  /** Where the sync server's `/push`, `/pull` and `/events` live. Default: `/sync` on the worker's origin. */
  syncUrl?: string;
  /** Base name of the IndexedDB databases (one per user). Default: `syncworker`. */
  databaseName?: string;
  /** Take control of open pages as soon as the worker activates, and of a page that asks (after a hard reload). Default: true. */
  claimClients?: boolean;
  /** Register Background Sync where the browser has it. Default: true. */
  backgroundSync?: boolean;
  /** How long a `network-first` read waits for the server. Default: 3000 ms. */
  networkTimeoutMs?: number;
  /** At sign-out, keep the user's unsent changes for their next sign-in (`park`) or delete their data (`clear`). Default: `park`. */
  signOut?: 'park' | 'clear';
}
