import {
  Agent,
  createServer,
  request as forward,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { PULL_GATE_OPEN_PATH } from './proxy-control.ts';

/**
 * Makes the bench page cross-origin isolated: Chromium then times `performance.now()` to 5 µs
 * instead of 100 µs, which the sub-millisecond figures need. Everything the page loads is its own.
 */
const CROSS_ORIGIN_ISOLATION = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

/**
 * An HTTP proxy in front of the sync server, which the bench page is served through (so the
 * worker's `/sync` requests pass it too). It adds `delayMs` to every request's round trip, and
 * can hold pulls at a gate: a fresh worker pulls as soon as it starts, and the bootstrap figure
 * wants that pull to begin when the page says so (`POST /__bench/pull-gate/open`), not at start-up.
 * It also adds the headers that make the page cross-origin isolated (finer timers).
 */
export class LatencyProxy {
  /** Added to the round trip of every request (the request waits this long before it is forwarded). */
  delayMs = 0;
  readonly #server: Server;
  readonly #upstreamPort: number;
  readonly #agent = new Agent({ keepAlive: true });
  #isPullGateOpen = true;
  #heldPulls: (() => void)[] = [];

  private constructor(upstreamPort: number) {
    this.#upstreamPort = upstreamPort;
    this.#server = createServer((request, response) => void this.#handle(request, response));
  }

  static async start(upstreamPort: number): Promise<LatencyProxy> {
    const proxy = new LatencyProxy(upstreamPort);
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** The origin the page loads from: `localhost` is a secure context, so service workers run. */
  get url(): string {
    return `http://localhost:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Holds every `POST /sync/pull` until the gate opens again. */
  closePullGate(): void {
    this.#isPullGateOpen = false;
  }

  openPullGate(): void {
    this.#isPullGateOpen = true;
    for (const release of this.#heldPulls.splice(0)) release();
  }

  async close(): Promise<void> {
    this.openPullGate();
    this.#server.closeAllConnections();
    this.#agent.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://host').pathname;
    if (path === PULL_GATE_OPEN_PATH) {
      this.openPullGate();
      response.writeHead(204).end();
      return;
    }
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (path === '/sync/pull' && !this.#isPullGateOpen) {
      await new Promise<void>((resolve) => this.#heldPulls.push(resolve));
    }
    const upstream = forward({
      host: '127.0.0.1',
      port: this.#upstreamPort,
      path: request.url,
      method: request.method,
      headers: request.headers,
      agent: this.#agent,
    });
    upstream.on('error', () => request.socket.destroy());
    upstream.on('response', (answer) => {
      // Streamed, so the server's event stream (Server-Sent Events) reaches the page as it happens.
      response.writeHead(answer.statusCode ?? 502, { ...answer.headers, ...CROSS_ORIGIN_ISOLATION });
      answer.pipe(response);
    });
    // A page that goes away (an event stream it closes) must not leave the upstream request open.
    response.on('close', () => {
      if (!response.writableFinished) upstream.destroy();
    });
    request.pipe(upstream);
  }
}
