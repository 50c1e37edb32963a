/**
 * The ready-made service worker for apps without one of their own. Register it as
 * `/syncworker-sw.js?config=<URL-encoded JSON SyncWorkerConfig>` (what `connect({ config })` does).
 */
import { installSyncWorker, type SyncWorkerConfig } from './index.ts';

declare const self: ServiceWorkerGlobalScope;

const config = JSON.parse(
  new URL(self.location.href).searchParams.get('config') ?? '{"routes":{}}',
) as SyncWorkerConfig;
installSyncWorker(config);
