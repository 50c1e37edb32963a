// The demo app's own service worker. An app built with Workbox adds its routes next to this call.
import { installSyncWorker } from 'syncworker/sw';

installSyncWorker({
  routes: {
    // Indexes serve the app's queries (open todos, newest first) without scanning the table.
    '/api/todos': { collection: 'todos', indexes: ['done', 'createdAt', '[done+createdAt]'] },
    // Notes are shared with other devices: reads ask the server first (bounded wait), then answer locally.
    '/api/notes': { collection: 'notes', strategy: 'network-first' },
  },
  replayRoutes: ['/api/rpc'],
  // Cached at install so the app opens offline, installed or not (the manifest's start_url is `/`).
  appShell: [
    '/',
    '/app.js',
    '/app.css',
    '/manifest.webmanifest',
    '/favicon.ico',
    '/icons/icon.svg',
    '/icons/icon-192.png',
    '/icons/icon-512.png',
    '/icons/icon-maskable-512.png',
  ],
});
