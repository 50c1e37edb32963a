import { Dexie } from 'dexie';
import type { SyncStatus } from '../protocol/index.ts';
import type { ResolvedConfig } from './config.ts';
import { SessionStore } from './local/session-store.ts';
import { appendLog } from './local/sync-log.ts';
import { errorResponse, handleRestRequest } from './rest-handler.ts';
import { isReplayRoute, matchRestRoute, type RestMatch } from './rest-router.ts';
import { fetchOrQueue } from './sync/request-queue.ts';
import type { RequestOptions } from './sync/scheduler.ts';
import { databaseNameFor, UserSpace } from './user-space.ts';

declare const self: ServiceWorkerGlobalScope;

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The worker's runtime: routes requests to the signed-in user's space and switches users. */
export class SyncRuntime {
  readonly config: ResolvedConfig;
  readonly #session: SessionStore;
  #space: Promise<UserSpace>;

  constructor(config: ResolvedConfig) {
    this.config = config;
    this.#session = new SessionStore(config.databaseName);
    this.#space = this.#session.currentUser().then((userId) => UserSpace.open(config, userId));
  }

  /** The signed-in user's space (the anonymous one before any sign-in). */
  space(): Promise<UserSpace> {
    return this.#space;
  }

  /** Answers the request if a route covers it; returns false to let it pass untouched. */
  handleFetch(event: FetchEvent): boolean {
    const url = new URL(event.request.url);
    if (url.origin !== self.location.origin) return false;
    let match: RestMatch | null;
    try {
      match = matchRestRoute(url, this.config.routes);
    } catch (error) {
      event.respondWith(errorResponse(error));
      return true;
    }
    if (match) {
      const route = match;
      const space = this.space();
      const answer = space.then((current) =>
        handleRestRequest(event.request, route, current, this.config.networkTimeoutMs),
      );
      event.respondWith(answer);
      // The write already asked for a sync; keep the worker alive until that run ends.
      if (WRITE_METHODS.has(event.request.method.toUpperCase())) {
        event.waitUntil(answer.then(async (response) => response.ok && (await space).syncSoon()));
      }
      return true;
    }
    if (isReplayRoute(url, this.config.replayRoutes)) {
      event.respondWith(this.space().then((space) => fetchOrQueue(event.request, space.db, this.config.replayHeaders)));
      return true;
    }
    return false;
  }

  async requestSync(options: RequestOptions = {}): Promise<boolean> {
    return (await this.space()).scheduler.request(options);
  }

  /** Switches to `userId`'s database; the previous user's outbox stays in theirs, unsent. */
  async signIn(userId: string, token: string | null): Promise<SyncStatus> {
    const current = await this.space();
    if (current.userId !== userId) await this.#switchTo(userId);
    const space = await this.space();
    await space.setToken(token);
    void space.scheduler.request({ force: true });
    return space.status();
  }

  /** Back to the anonymous database; the user's data is parked for their return, or deleted (`signOut: 'clear'`). */
  async signOut(): Promise<SyncStatus> {
    const previous = await this.space();
    if (previous.userId !== null) {
      await this.#switchTo(null);
      if (this.config.signOut === 'clear') await Dexie.delete(databaseNameFor(this.config, previous.userId));
    }
    return (await this.space()).status();
  }

  async #switchTo(userId: string | null): Promise<void> {
    const previous = await this.space();
    this.#space = (async () => {
      await previous.close();
      await this.#session.setCurrentUser(userId);
      const next = await UserSpace.open(this.config, userId);
      await appendLog(next.db, { kind: 'user', message: `signed in as ${userId ?? 'anonymous'}` });
      return next;
    })();
    await this.#space;
  }
}
