import { Workbox } from 'workbox-window';
import { SyncError, type SyncWorkerConfig } from '../protocol/index.ts';
import { addIdempotencyKeys } from './idempotency-keys.ts';
import { requestControl } from './page-control.ts';
import { registrationError } from './registration-error.ts';
import { authorizeUncontrolledRequests } from './server-authorization.ts';
import { requestStoragePersistence } from './storage-persistence.ts';
import { SyncClient, type TokenProvider } from './sync-client.ts';
import { WorkerLink } from './worker-link.ts';
import { watchWorkerUpdates } from './worker-updates.ts';

export interface ConnectOptions {
  /**
   * URL of the service worker script. Default: `/syncworker-sw.js`, the ready-made worker.
   * Point it at your own worker when that worker calls `installSyncWorker`.
   */
  serviceWorkerUrl?: string;
  /**
   * `'module'` for a worker written as an ES module (`import` statements), as `vite dev` serves
   * one (vite-plugin-pwa's `devOptions.type: 'module'`). Default: `'classic'`.
   */
  serviceWorkerType?: WorkerType;
  /** Runtime configuration for the ready-made worker, passed in its URL. Omit for your own worker. */
  config?: SyncWorkerConfig;
  /** Registration scope. Default: the browser's default for the script URL. */
  scope?: string;
  /** Milliseconds without an answer before the worker is presumed stopped. Default: 3000. */
  timeoutMs?: number;
  /** Milliseconds between sync kicks while the page is visible. Default: 30000. */
  syncIntervalMs?: number;
  /**
   * Supplies the user's token (JWT); called at connect and again whenever the server refuses it,
   * and for each `fetch` to the routes while no worker controls the page (they go to the server).
   */
  getToken?: TokenProvider;
  /** Hold the server's realtime poke stream (`/sync/events`) and pull on each poke. Default: true. */
  realtime?: boolean;
  /**
   * Ask the browser to keep this site's data from eviction (`navigator.storage.persist()`), in the
   * background: the answer arrives as the client's `persistence` event. Default: true.
   */
  persistStorage?: boolean;
  /**
   * Give the app's `fetch` writes to the worker's routes an `Idempotency-Key`, so that a write
   * the browser dispatches twice (it re-sends a request when it stops the worker mid-request)
   * takes effect once. Default: true. Without it, send the header yourself.
   */
  idempotencyKeys?: boolean;
}

/**
 * Registers the service worker, brings this page under its control if it can (so the app's REST
 * requests are answered locally; `status().isControlled` tells), and opens the Comlink link to the
 * active worker with a version handshake. An uncontrolled page (hard reload, `claimClients: false`)
 * still works: the collection API goes through the worker, `fetch` to the routes goes to the server.
 * @throws {SyncError} `worker_unavailable` without service worker support or when the worker
 *   never answers; `version_mismatch` when page and worker speak different protocols (reload);
 *   `worker_registration_failed` when the browser refuses to register or install the worker (the
 *   message says what to change).
 */
export async function connect(options: ConnectOptions = {}): Promise<SyncClient> {
  if (!('serviceWorker' in navigator)) {
    throw new SyncError(
      'worker_unavailable',
      'This browser has no service workers (or the page is not on HTTPS/localhost)',
    );
  }
  const url = workerUrl(options);
  const type = options.serviceWorkerType ?? 'classic';
  const workbox = new Workbox(url, options.scope === undefined ? { type } : { scope: options.scope, type });
  const updates = watchWorkerUpdates(workbox, navigator.serviceWorker);
  const registration = await workbox.register({ immediate: true }).catch((error: unknown) => {
    throw registrationError(error, type);
  });
  if (registration) await requestControl(navigator.serviceWorker, registration, url, options.timeoutMs ?? 3000);
  const link = new WorkerLink(navigator.serviceWorker, options.timeoutMs ?? 3000);
  const { syncUrl, routes } = await link.open();
  if (options.idempotencyKeys ?? true) addIdempotencyKeys(routes);
  if (options.getToken) authorizeUncontrolledRequests(routes, navigator.serviceWorker, options.getToken);
  const client = new SyncClient(link, {
    syncUrl,
    persistence: (options.persistStorage ?? true) ? requestStoragePersistence() : null,
    updates,
    syncIntervalMs: options.syncIntervalMs ?? 30_000,
    getToken: options.getToken,
    realtime: options.realtime ?? true,
  });
  await client.start();
  return client;
}

function workerUrl({ serviceWorkerUrl = '/syncworker-sw.js', config }: ConnectOptions): string {
  if (!config) return serviceWorkerUrl;
  const url = new URL(serviceWorkerUrl, location.href);
  url.searchParams.set('config', JSON.stringify(config));
  return url.href;
}
