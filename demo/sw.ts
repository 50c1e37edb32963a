// The demo app's own service worker. An app built with Workbox adds its routes next to this call.
import { installSyncWorker } from 'syncworker/sw';
import { todoSchema } from './schema.ts';

installSyncWorker({
  routes: {
    // Indexes serve the app's queries (open todos, newest first) without scanning the table; a
    // write the schema refuses is answered 422 at once, nothing queued.
    '/api/todos': { collection: 'todos', indexes: ['done', 'createdAt', '[done+createdAt]'], schema: todoSchema },
    // Notes are shared with other devices: reads ask the server first (bounded wait), then answer locally.
    '/api/notes': { collection: 'notes', strategy: 'network-first' },
  },
  replayRoutes: ['/api/rpc'],
  // Cached at install so the app opens offline.
  appShell: ['/', '/app.js'],
});
