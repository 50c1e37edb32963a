/** URL path prefix -> collection name, e.g. `{ '/api/todos': 'todos' }`. */
export type RestRoutes = Record<string, string>;
/** Configuration of the worker runtime (`installSyncWorker`, or the ready-made worker's `?config=`). */
export interface SyncWorkerConfig {
  /** REST routes answered from local data. */
  routes: RestRoutes;
  /** Where the sync server's `/push` and `/pull` live. Default: `/sync` on the worker's origin. */
  syncUrl?: string;
  /** Name of the IndexedDB database. Default: `syncworker`. */
  databaseName?: string;
  /** Take control of open pages as soon as the worker activates. Default: true. */
  claimClients?: boolean;
}
