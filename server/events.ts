import type { ServerResponse } from 'node:http';
import { POKE_CHANNEL, type Storage } from './storage.ts';

/** Comment lines keep idle proxies from closing the stream. */
const KEEPALIVE_MS = 25_000;

/**
 * Server-Sent Events for realtime pokes. Commits NOTIFY the changed user's id; every server
 * instance sharing the database hears it and pokes that user's open streams.
 */
export class PokeHub {
  readonly #streams = new Map<string, Set<ServerResponse>>();
  readonly #keepalive: ReturnType<typeof setInterval>;
  #unlisten: (() => Promise<void>) | null = null;

  private constructor() {
    this.#keepalive = setInterval(() => this.#writeAll(': keepalive\n\n'), KEEPALIVE_MS);
    this.#keepalive.unref();
  }

  static async start(storage: Storage): Promise<PokeHub> {
    const hub = new PokeHub();
    hub.#unlisten = await storage.listen(POKE_CHANNEL, (owner) => hub.poke(owner));
    return hub;
  }

  /** Answers `GET /sync/events` for `owner` with an open event stream. */
  open(owner: string, response: ServerResponse): void {
    response.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    response.write('retry: 3000\n: connected\n\n');
    const streams = this.#streams.get(owner) ?? new Set();
    streams.add(response);
    this.#streams.set(owner, streams);
    response.on('close', () => {
      streams.delete(response);
      if (streams.size === 0) this.#streams.delete(owner);
    });
  }

  /** Tells every open stream of `owner` that its data changed. */
  poke(owner: string): void {
    const event = `event: poke\ndata: ${JSON.stringify({ at: Date.now() })}\n\n`;
    for (const response of this.#streams.get(owner) ?? []) response.write(event);
  }

  /** Ends every stream (clients reconnect elsewhere) and stops listening. */
  async close(): Promise<void> {
    clearInterval(this.#keepalive);
    for (const streams of this.#streams.values()) for (const response of streams) response.end();
    this.#streams.clear();
    await this.#unlisten?.();
  }

  #writeAll(text: string): void {
    for (const streams of this.#streams.values()) for (const response of streams) response.write(text);
  }
}
