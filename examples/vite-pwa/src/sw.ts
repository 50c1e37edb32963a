// The app's one service worker: Workbox precaches the built app (so it opens offline) and
// syncworker answers /api/todos from IndexedDB and syncs it with the server.
import { installSyncWorker } from 'syncworker/sw';
import { type PrecacheEntry, precacheAndRoute } from 'workbox-precaching';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | PrecacheEntry)[] };

// vite-plugin-pwa (injectManifest) replaces self.__WB_MANIFEST with the build's files; in `vite dev` it is [].
precacheAndRoute(self.__WB_MANIFEST);

installSyncWorker({ routes: { '/api/todos': { collection: 'todos', indexes: ['createdAt'] } } });
