// The demo app's own service worker: it caches the app shell (so the app opens offline)
// and hands the API to syncworker. An app built with Workbox does the same next to its routes.
import { installSyncWorker } from 'syncworker/sw';

declare const self: ServiceWorkerGlobalScope;

installSyncWorker({
  routes: {
    '/api/todos': 'todos',
    // Notes are shared with other devices: reads ask the server first (bounded wait), then answer locally.
    '/api/notes': { collection: 'notes', strategy: 'network-first' },
  },
  replayRoutes: ['/api/rpc'],
});

const SHELL_CACHE = 'demo-shell-v1';
const SHELL = ['/', '/app.js'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)));
});

// Network first, so a deployed update shows at once; the cached shell when offline.
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  const isShell =
    event.request.mode === 'navigate' || (url.origin === self.location.origin && SHELL.includes(url.pathname));
  if (event.request.method !== 'GET' || !isShell) return;
  event.respondWith(
    fetch(event.request)
      .then(async (response) => {
        if (response.ok) await caches.open(SHELL_CACHE).then((cache) => cache.put(event.request, response.clone()));
        return response;
      })
      .catch(
        async () =>
          (await caches.match(event.request, { ignoreSearch: true })) ?? (await caches.match('/')) ?? Response.error(),
      ),
  );
});
