import { createServer, type SyncServer, silentLogger } from '../../server/index.ts';
import { assertNotInterrupted, closeAtExit } from './cleanup.ts';
import { LatencyProxy } from './latency-proxy.ts';

/**
 * The real sync server (embedded PGlite in memory) serving the bench site, behind the latency
 * proxy. The page and its worker talk to the proxy; Node seeds the server directly.
 */
export class BenchBackend {
  readonly proxy: LatencyProxy;
  readonly #server: SyncServer;
  readonly #port: number;
  readonly #forget: () => void;
  #closed: Promise<void> | null = null;

  private constructor(server: SyncServer, port: number, proxy: LatencyProxy) {
    this.#server = server;
    this.#port = port;
    this.proxy = proxy;
    this.#forget = closeAtExit(() => this.close());
  }

  static async start(siteDir: string): Promise<BenchBackend> {
    assertNotInterrupted();
    const server = await createServer({ db: 'memory', staticDir: siteDir, logger: silentLogger });
    try {
      const port = await server.listen(0);
      return new BenchBackend(server, port, await LatencyProxy.start(port));
    } catch (error) {
      await server.close();
      throw error;
    }
  }

  /** The server itself, bypassing the proxy. */
  get serverUrl(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** The bench page, through the proxy. */
  get pageUrl(): string {
    return `${this.proxy.url}/bench.html`;
  }

  /** Stops the proxy and the server (once, however often it is called). */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.proxy.close();
      await this.#server.close();
      this.#forget();
    })();
    return this.#closed;
  }
}
