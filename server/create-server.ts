import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SyncError } from '../protocol/index.ts';
import { type AuthOptions, createAuthenticator } from './auth.ts';
import { type CollectionSchemas, Collections } from './collections.ts';
import type { ConflictStrategy } from './conflicts.ts';
import { PokeHub } from './events.ts';
import { readJsonBody, requestUrl, sendError, sendJson } from './http.ts';
import { jsonLogger, type Logger } from './logger.ts';
import { pullChanges } from './pull.ts';
import { applyPush } from './push.ts';
import { handleRest, matchRestPath } from './rest.ts';
import { serveStaticFiles } from './static-files.ts';
import { openStorage, type Storage } from './storage.ts';
import { parsePullRequest, parsePushRequest } from './validation.ts';
import { DEFAULT_MAX_WATERMELON_PUSH_BYTES, handleWatermelon } from './watermelon.ts';

export interface ServerOptions {
  /** `memory`, a folder for the embedded PGlite database, or a `postgres://` URL. Default: `./.syncworker-data`. */
  db?: string;
  /** Authentication. Default: `{ mode: 'none' }` (every request is one anonymous user). */
  auth?: AuthOptions;
  /** Accepted collections with their fields and conflict strategy. Default: any `[a-z][a-z0-9_]*` name of at most 64 characters, schemaless. */
  collections?: CollectionSchemas;
  /** Conflict strategy of collections that name none. Default: `merge`. */
  conflict?: ConflictStrategy;
  /** Largest accepted request body. Default: 1 MiB. */
  maxBodyBytes?: number;
  /** Most mutations in one push. Default: 500. */
  maxMutationsPerPush?: number;
  /** Largest record, as JSON. Default: 256 KiB. */
  maxRecordBytes?: number;
  /**
   * Largest WatermelonDB push body (`POST /sync/watermelon`): WatermelonDB sends all of a client's
   * offline changes in one request, so it needs more room than `maxBodyBytes`. Default: 16 MiB.
   */
  maxWatermelonPushBytes?: number;
  /**
   * Longest a write waits behind the same user's earlier writes (it holds no database
   * connection meanwhile) before it is answered 429 `rate_limited` with `Retry-After`. Default: 10 s.
   */
  maxWriteWaitMs?: number;
  /** Origins allowed to call the sync endpoints from a browser (CORS), or `*`. Default: none (same origin). */
  allowedOrigins?: string[] | '*';
  /**
   * Path prefix of the REST routes the worker answers for a page it controls (`<prefix><collection>`
   * and `<prefix><collection>/:id`), answered here for pages it does not control. Must start and end
   * with `/`; null turns them off. Default: `/api/` (the worker route `/api/todos` is collection `todos`).
   */
  restPrefix?: string | null;
  /** Also serve the files of this folder (an app's build) on paths the sync endpoints do not use. */
  staticDir?: string;
  /** With `staticDir`: answer page loads of unknown paths (not `/api/…`, `/sync/…`) with `index.html`, for client-side routing. Default: false. */
  spa?: boolean;
  /** Where structured log entries go. Default: JSON lines on stdout. */
  logger?: Logger;
}

/** A running sync server: mount `handle` in your own HTTP server, or `listen` on a port. */
export interface SyncServer {
  /** Handles a request; resolves to false when the path is not the sync server's (for mounting). */
  handle(request: IncomingMessage, response: ServerResponse): Promise<boolean>;
  /** Starts a dedicated HTTP server; resolves to the port it listens on. */
  listen(port?: number, host?: string): Promise<number>;
  /** Stops accepting requests, lets the ones in flight finish (no batch is left half-applied), closes the database. */
  close(): Promise<void>;
  readonly storage: Storage;
}

/**
 * Creates the reference sync server and opens its database.
 * Endpoints: `POST /sync/push`, `POST /sync/pull`, `GET /sync/events`, `GET|POST /sync/watermelon`, `GET /health`,
 * and the REST routes of known collections under `restPrefix` (`GET|POST /api/todos`, `GET|PUT|PATCH|DELETE /api/todos/:id`).
 * @throws {Error} when `restPrefix` does not start and end with `/`.
 */
export async function createServer(options: ServerOptions = {}): Promise<SyncServer> {
  const restPrefix = checkRestPrefix(options.restPrefix === undefined ? '/api/' : options.restPrefix);
  const storage = await openStorage(
    options.db ?? './.syncworker-data',
    options.maxWriteWaitMs === undefined ? {} : { maxTurnWaitMs: options.maxWriteWaitMs },
  );
  const pokes = await PokeHub.start(storage);
  const logger = options.logger ?? jsonLogger;
  const authenticate = createAuthenticator(options.auth ?? { mode: 'none' });
  const collections = new Collections(options.collections ?? null, options.conflict);
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const maxMutations = options.maxMutationsPerPush ?? 500;
  const maxRecordBytes = options.maxRecordBytes ?? 256 * 1024;
  const maxWatermelonPushBytes = options.maxWatermelonPushBytes ?? DEFAULT_MAX_WATERMELON_PUSH_BYTES;
  const apiPrefixes = restPrefix === null ? ['/sync/'] : ['/sync/', restPrefix];
  const serveStatic = options.staticDir
    ? serveStaticFiles(options.staticDir, { spa: options.spa ?? false, apiPrefixes })
    : null;
  const isApiPath = (path: string) => apiPrefixes.some((prefix) => path.startsWith(prefix));
  let httpServer: Server | null = null;
  let inFlight = 0;
  let isClosing = false;
  let onDrained = () => {};

  async function route(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean> {
    const { pathname } = url;
    if (pathname === '/health') {
      sendJson(response, 200, { status: 'ok' });
      return true;
    }
    const restTarget = restPrefix === null ? null : matchRestPath(pathname, restPrefix, collections);
    if (!pathname.startsWith('/sync/') && !restTarget) return serveStatic ? serveStatic(request, response) : false;
    if (allowCors(request, response, options.allowedOrigins)) return true;
    const owner = await authenticate(request, url);
    const context = { storage, owner, collections, maxRecordBytes };
    if (restTarget) {
      await handleRest(request, response, url, restTarget, { ...context, maxBodyBytes });
      return true;
    }
    const endpoint = `${request.method} ${pathname}`;
    switch (endpoint) {
      case 'POST /sync/push':
        sendJson(
          response,
          200,
          await applyPush(context, parsePushRequest(await readJsonBody(request, maxBodyBytes), maxMutations)),
        );
        return true;
      case 'POST /sync/pull':
        sendJson(
          response,
          200,
          await pullChanges(storage, owner, parsePullRequest(await readJsonBody(request, maxBodyBytes))),
        );
        return true;
      case 'GET /sync/events':
        pokes.open(owner, response);
        return true;
      case 'GET /sync/watermelon':
      case 'POST /sync/watermelon':
        await handleWatermelon(request, response, url, { ...context, maxPushBytes: maxWatermelonPushBytes });
        return true;
    }
    const isKnownPath = ['/sync/push', '/sync/pull', '/sync/events', '/sync/watermelon'].includes(pathname);
    throw isKnownPath
      ? new SyncError('method_not_allowed', `${request.method} is not allowed on ${pathname}`)
      : new SyncError('not_found', `No sync endpoint at ${pathname}`);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
    const started = performance.now();
    let url: URL;
    try {
      url = requestUrl(request);
    } catch (error) {
      // A URL we cannot read is ours to refuse only if it could be ours: mounted apps keep theirs.
      if (!serveStatic && !isApiPath(request.url ?? '')) return false;
      sendError(response, error);
      return true;
    }
    let isHandled = true;
    inFlight += 1;
    try {
      if (isClosing) {
        response.setHeader('Connection', 'close');
        throw new SyncError('shutting_down', 'The server is shutting down; retry in a moment');
      }
      isHandled = await route(request, response, url);
    } catch (error) {
      sendError(response, error);
      if (!(error instanceof SyncError)) logger({ level: 'error', msg: 'request failed', error: String(error) });
    } finally {
      inFlight -= 1;
      if (inFlight === 0) onDrained();
    }
    if (isHandled && isApiPath(url.pathname)) {
      const ms = Math.round(performance.now() - started);
      logger({
        level: 'info',
        msg: 'request',
        method: request.method,
        path: url.pathname,
        status: response.statusCode,
        ms,
      });
    }
    return isHandled;
  }

  return {
    storage,
    handle,
    listen(port = 8787, host = '127.0.0.1') {
      const server = createHttpServer((request, response) => {
        void handle(request, response).then((isHandled) => {
          if (!isHandled) sendError(response, new SyncError('not_found', `Nothing at ${request.url}`));
        });
      });
      httpServer = server;
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
      });
    },
    async close() {
      isClosing = true;
      const server = httpServer;
      const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
      await pokes.close();
      // Requests in flight finish (a push commits whole or not at all) before the database closes.
      if (inFlight > 0) await new Promise<void>((resolve) => (onDrained = resolve));
      server?.closeAllConnections();
      await closed;
      await storage.close();
    },
  };
}

/** Sets CORS headers for allowed origins; answers preflight requests itself (returns true then). */
function allowCors(request: IncomingMessage, response: ServerResponse, allowed: string[] | '*' | undefined): boolean {
  const origin = request.headers.origin;
  if (!origin || !allowed || (allowed !== '*' && !allowed.includes(origin))) return false;
  response.setHeader('Access-Control-Allow-Origin', allowed === '*' ? '*' : origin);
  response.setHeader('Vary', 'Origin');
  if (request.method !== 'OPTIONS') return false;
  response.writeHead(204, {
    'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE',
    'Access-Control-Allow-Headers': 'Authorization, Content-Type, Idempotency-Key',
    'Access-Control-Max-Age': '600',
  });
  response.end();
  return true;
}

/** The REST prefix as given, or throws: a prefix without both slashes would match `/apifoo` or miss `/api/`. */
function checkRestPrefix(prefix: string | null): string | null {
  if (prefix !== null && !/^\/(.*\/)?$/.test(prefix)) {
    throw new Error(`restPrefix must start and end with "/" (e.g. "/api/"), not "${prefix}"`);
  }
  return prefix;
}
