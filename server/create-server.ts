import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SyncError } from '../protocol/index.ts';
import type { ConflictStrategy } from './conflicts.ts';
import { readJsonBody, sendError, sendJson } from './http.ts';
import { pullChanges } from './pull.ts';
import { applyPush } from './push.ts';
import { serveStaticFiles } from './static-files.ts';
import { openStorage, type Storage } from './storage.ts';
import { COLLECTION_NAME, parsePullRequest, parsePushRequest } from './validation.ts';

export interface ServerOptions {
  /** `memory`, a folder for the embedded PGlite database, or a `postgres://` URL. Default: `./.syncworker-data`. */
  db?: string;
  /** Accepted collections and their conflict strategy. Default: any `[a-z][a-z0-9_]*` name (demo mode). */
  collections?: Record<string, { conflict?: ConflictStrategy }>;
  /** Conflict strategy of collections that name none. Default: `merge`. */
  conflict?: ConflictStrategy;
  /** Largest accepted request body. Default: 1 MiB. */
  maxBodyBytes?: number;
  /** Most mutations in one push. Default: 500. */
  maxMutationsPerPush?: number;
  /** Also serve the files of this folder (an app's build) on paths the sync endpoints do not use. */
  staticDir?: string;
}

/** A running sync server: mount `handle` in your own HTTP server, or `listen` on a port. */
export interface SyncServer {
  /** Handles a request; resolves to false when the path is not the sync server's (for mounting). */
  handle(request: IncomingMessage, response: ServerResponse): Promise<boolean>;
  /** Starts a dedicated HTTP server; resolves to the port it listens on. */
  listen(port?: number, host?: string): Promise<number>;
  /** Stops accepting requests, lets the ones in flight finish, then closes the database. */
  close(): Promise<void>;
  readonly storage: Storage;
}

/** The user of every request while authentication is disabled. */
const ANONYMOUS = 'anonymous';

/** Creates the reference sync server (DESIGN.md sections 4 and 5) and opens its database. */
export async function createServer(options: ServerOptions = {}): Promise<SyncServer> {
  const storage = await openStorage(options.db ?? './.syncworker-data');
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const maxMutations = options.maxMutationsPerPush ?? 500;
  const { collections } = options;
  const context = {
    storage,
    owner: ANONYMOUS,
    isKnownCollection: (name: string) => (collections ? Object.hasOwn(collections, name) : COLLECTION_NAME.test(name)),
    strategyFor: (name: string) => collections?.[name]?.conflict ?? options.conflict ?? 'merge',
  };
  const serveStatic = options.staticDir ? serveStaticFiles(options.staticDir) : null;
  let httpServer: Server | null = null;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
    const path = new URL(request.url ?? '/', 'http://host').pathname;
    try {
      if (path === '/health') {
        sendJson(response, 200, { status: 'ok' });
      } else if (path === '/sync/push' || path === '/sync/pull') {
        if (request.method !== 'POST') throw new SyncError('method_not_allowed', `Use POST for ${path}`);
        const body = await readJsonBody(request, maxBodyBytes);
        const result =
          path === '/sync/push'
            ? await applyPush(context, parsePushRequest(body, maxMutations))
            : await pullChanges(storage, context.owner, parsePullRequest(body));
        sendJson(response, 200, result);
      } else if (path.startsWith('/sync/')) {
        throw new SyncError('not_found', `No sync endpoint at ${path}`);
      } else {
        return serveStatic ? await serveStatic(request, response) : false;
      }
    } catch (error) {
      sendError(response, error);
    }
    return true;
  }

  return {
    storage,
    handle,
    listen(port = 8787, host = '127.0.0.1') {
      httpServer = createHttpServer((request, response) => {
        void handle(request, response).then((isHandled) => {
          if (!isHandled) sendError(response, new SyncError('not_found', `Nothing at ${request.url}`));
        });
      });
      const server = httpServer;
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
      });
    },
    async close() {
      const server = httpServer;
      if (server) {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
      }
      await storage.close();
    },
  };
}
