import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from '@playwright/test';
import { assertNotInterrupted, closeAtExit } from './cleanup.ts';
import type { BenchPageApi } from './page-protocol.ts';

/** Debian's Chromium (Playwright cannot download its own browsers here); `CHROMIUM_PATH` overrides it. */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** The longest one page call may take before the figure fails (a 100k bootstrap of a slow engine included). */
const CALL_TIMEOUT_MS = Number(process.env.BENCH_CALL_TIMEOUT_MS ?? 600_000);

/** The browser's version, as `chromium --version` prints it. */
export function chromiumVersion(): string {
  try {
    const printed = execFileSync(CHROMIUM_PATH, ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return printed.match(/(\d+\.\d+\.\d+\.\d+)/)?.[1] ?? printed.trim();
  } catch {
    return 'unknown';
  }
}

/**
 * A fresh Chromium profile in a temporary folder. A persistent profile keeps IndexedDB on disk
 * as a user's browser does (an incognito context keeps it in memory, which would flatter it).
 */
export class BrowserProfile {
  readonly #context: BrowserContext;
  readonly #dir: string;
  readonly #forget: () => void;
  #closed: Promise<void> | null = null;

  private constructor(context: BrowserContext, dir: string) {
    this.#context = context;
    this.#dir = dir;
    this.#forget = closeAtExit(() => this.close());
  }

  static async launch(): Promise<BrowserProfile> {
    assertNotInterrupted();
    const dir = await mkdtemp(join(tmpdir(), 'syncworker-bench-profile-'));
    try {
      const context = await chromium.launchPersistentContext(dir, {
        executablePath: CHROMIUM_PATH,
        args: CHROMIUM_ARGS,
        headless: true,
        // The bench's own signal handlers close browsers and then delete their profiles.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      });
      return new BrowserProfile(context, dir);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Opens the bench page in a new tab. */
  async open(url: string): Promise<BenchTab> {
    const page =
      this.#context.pages().find((candidate) => candidate.url() === 'about:blank') ?? (await this.#context.newPage());
    page.on('pageerror', (error) => console.error(`bench page error: ${error.message}`));
    page.on('console', (message) => {
      // The empty round trips are 404s on purpose; Chromium logs each one.
      if (message.type() === 'error' && !message.text().includes('404')) {
        console.error(`bench page console: ${message.text()}`);
      }
    });
    await page.goto(url);
    await page.waitForFunction(() => 'bench' in globalThis);
    if (!(await page.evaluate(() => (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true))) {
      console.warn('bench: the page is not cross-origin isolated, so its timer is coarse (100 µs)');
    }
    return new BenchTab(page);
  }

  /** Closes the browser and deletes the profile's folder (once, however often it is called). */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.#context.close().catch(() => undefined);
      // A browser stopped by a signal may still be writing its profile for a moment.
      await rm(this.#dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
      this.#forget();
    })();
    return this.#closed;
  }
}

type PageMethod = keyof BenchPageApi;

/** A tab with the bench page: calls `window.bench` methods (see page-protocol.ts). */
export class BenchTab {
  readonly #page: Page;

  constructor(page: Page) {
    this.#page = page;
  }

  /** Calls `window.bench[name](...args)` in the page; fails after `BENCH_CALL_TIMEOUT_MS`. */
  async call<K extends PageMethod>(
    name: K,
    ...args: Parameters<BenchPageApi[K]>
  ): Promise<Awaited<ReturnType<BenchPageApi[K]>>> {
    const evaluation = this.#page.evaluate(
      ({ name, args }) => {
        const bench = (globalThis as unknown as { bench: Record<string, (...values: unknown[]) => unknown> }).bench;
        return bench[name]?.(...args);
      },
      { name, args: args as unknown[] },
    ) as Promise<Awaited<ReturnType<BenchPageApi[K]>>>;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${name} took longer than ${CALL_TIMEOUT_MS} ms`)), CALL_TIMEOUT_MS);
    });
    return Promise.race([evaluation, timeout]).finally(() => clearTimeout(timer));
  }
}
