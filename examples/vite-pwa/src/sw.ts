// The app's one service worker: Workbox precaches the built app (so it opens offline) and
// syncworker answers /api/todos from IndexedDB and syncs it with the server.
import { installSyncWorker } from 'syncworker/sw';
import { type PrecacheEntry, precacheAndRoute } from 'workbox-precaching';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | PrecacheEntry)[] };

// vite-plugin-pwa (injectManifest) puts the build's file list here; under `vite dev` the list is empty.
precacheAndRoute(self.__WB_MANIFEST);

installSyncWorker({ routes: { '/api/todos': { collection: 'todos', indexes: ['createdAt'] } } });
