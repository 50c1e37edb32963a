import { expose } from 'comlink';
import { CONNECT_MESSAGE_TYPE, type ConnectMessage, type SyncWorkerConfig } from '../protocol/index.ts';
import { broadcast } from './broadcast.ts';
import { resolveConfig } from './config.ts';
import { SyncDatabase } from './database.ts';
import { handleRestRequest } from './rest-handler.ts';
import { matchRestRoute } from './rest-router.ts';
import { SyncScheduler } from './scheduler.ts';
import { runSync } from './sync-run.ts';
import { SyncTransport } from './sync-transport.ts';
import { createWorkerApi } from './worker-api.ts';

declare const self: ServiceWorkerGlobalScope;

/** Background Sync tag the runtime registers after each local write. */
export const SYNC_TAG = 'syncworker';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Installs the syncworker runtime into this service worker: answers the configured REST
 * routes from IndexedDB, queues writes, and syncs them with the server.
 * Call it during the worker script's first run (listeners must be added synchronously).
 */
export function installSyncWorker(userConfig: SyncWorkerConfig): void {
  const config = resolveConfig(userConfig, self.location.origin);
  const db = new SyncDatabase(config.databaseName, config.collections);
  const transport = new SyncTransport(config.syncUrl);
  const scheduler = new SyncScheduler(syncOnce, () => void publishStatus());
  const api = createWorkerApi(db, scheduler);

  async function syncOnce(): Promise<void> {
    const changed = await runSync(db, transport);
    if (changed.size > 0) broadcast({ type: 'changed', collections: [...changed] });
  }

  async function publishStatus(): Promise<void> {
    const status = await api.status();
    if (status.ok) broadcast({ type: 'status', status: status.value });
  }

  self.addEventListener('fetch', (event) => {
    const url = new URL(event.request.url);
    const match = url.origin === self.location.origin ? matchRestRoute(url, config.routes) : null;
    if (!match) return;
    const response = handleRestRequest(event.request, match, db);
    event.respondWith(response);
    if (WRITE_METHODS.has(event.request.method.toUpperCase())) {
      event.waitUntil(response.then((answer) => (answer.ok ? afterLocalWrite(match.collection) : undefined)));
    }
  });

  async function afterLocalWrite(collection: string): Promise<void> {
    broadcast({ type: 'changed', collections: [collection] });
    await self.registration.sync?.register(SYNC_TAG).catch(() => undefined);
    await scheduler.request();
  }

  self.addEventListener('sync', (event) => {
    if (event.tag !== SYNC_TAG) return;
    // Rejecting tells the browser to retry the sync event later, with its own backoff.
    event.waitUntil(
      scheduler.request({ force: true }).then((isOk) => {
        if (!isOk) throw new Error('syncworker: sync failed, the browser will retry');
      }),
    );
  });

  self.addEventListener('online', () => void scheduler.request({ force: true }));

  self.addEventListener('message', (event) => {
    const message = event.data as Partial<ConnectMessage<MessagePort>> | null;
    if (message?.type === CONNECT_MESSAGE_TYPE && message.port) expose(api, message.port);
  });

  self.addEventListener('activate', (event) => {
    if (config.claimClients) event.waitUntil(self.clients.claim());
  });

  void scheduler.request();
}
