// The demo app's own service worker. An app built with Workbox adds its routes next to this call.
import { installSyncWorker } from 'syncworker/sw';
import { noteSchema, todoSchema } from './schema.ts';

installSyncWorker({
  routes: {
    // Indexes serve the app's queries (open todos, newest first) without scanning the table; a
    // write the schema refuses is answered 422 at once, nothing queued.
    '/api/todos': { collection: 'todos', indexes: ['done', 'createdAt', '[done+createdAt]'], schema: todoSchema },
    // Notes are shared with other devices: reads ask the server first (bounded wait), then answer locally.
    '/api/notes': { collection: 'notes', strategy: 'network-first', schema: noteSchema },
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
