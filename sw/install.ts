import { expose } from 'comlink';
import {
  CLAIM_MESSAGE_TYPE,
  CONNECT_MESSAGE_TYPE,
  type ConnectMessage,
  SKIP_WAITING_MESSAGE_TYPE,
  type SyncWorkerConfig,
} from '../protocol/index.ts';
import { isAppShellRequest, precacheAppShell, serveAppShell } from './app-shell.ts';
import { resolveConfig } from './config.ts';
import { createWorkerApi } from './link/worker-api.ts';
import { SyncRuntime } from './runtime.ts';
import { SYNC_TAG } from './user-space.ts';

declare const self: ServiceWorkerGlobalScope;

/**
 * Installs the syncworker runtime into this service worker: answers the configured REST
 * routes from IndexedDB, queues writes and replay-route requests, and syncs them with the server.
 * Call it during the worker script's first run: browsers only honour listeners added then.
 */
export function installSyncWorker(userConfig: SyncWorkerConfig): void {
  const runtime = new SyncRuntime(resolveConfig(userConfig, self.location.origin));
  const api = createWorkerApi(runtime);

  const { appShell } = runtime.config;
  self.addEventListener('install', (event) => precacheAppShell(event, appShell));

  self.addEventListener('fetch', (event) => {
    if (runtime.handleFetch(event)) return;
    if (isAppShellRequest(event.request, appShell)) event.respondWith(serveAppShell(event.request, appShell));
  });

  self.addEventListener('sync', (event) => {
    if (event.tag !== SYNC_TAG) return;
    // Rejecting tells the browser to fire the event again later, with its own backoff.
    event.waitUntil(
      runtime.requestSync({ force: true }).then((isOk) => {
        if (!isOk) throw new Error('syncworker: sync did not complete; the browser will retry');
      }),
    );
  });

  self.addEventListener('online', () => void runtime.requestSync({ force: true }));

  self.addEventListener('message', (event) => {
    const message = event.data as Partial<ConnectMessage<MessagePort>> | { type?: string } | null;
    if (message?.type === CONNECT_MESSAGE_TYPE && 'port' in message && message.port) expose(api, message.port);
    // A page applies a waiting update: the outbox lives in IndexedDB, so the new worker takes it over whole.
    if (message?.type === SKIP_WAITING_MESSAGE_TYPE) event.waitUntil(self.skipWaiting());
    // A hard-reloaded page starts outside the worker's control; claiming brings it back.
    if (message?.type === CLAIM_MESSAGE_TYPE && runtime.config.claimClients) event.waitUntil(self.clients.claim());
  });

  self.addEventListener('activate', (event) => {
    if (runtime.config.claimClients) event.waitUntil(self.clients.claim());
  });

  // Worker start is a sync trigger too: whatever was left unsent goes out now.
  void runtime.requestSync();
}
