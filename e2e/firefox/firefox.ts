import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { FaultProxy } from '../fixtures/fault-proxy.ts';
import { fetchInPage, type RestAnswer, readStoreInPage } from '../fixtures/in-page.ts';
import { TestSyncServer } from '../fixtures/sync-server.ts';

/** Debian's Firefox ESR; Playwright cannot drive it, puppeteer-core can over WebDriver BiDi. */
const executablePath = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

/** A real sync server, the fault proxy in front of it and a fresh Firefox profile talking to the proxy. */
export interface FirefoxRig {
  server: TestSyncServer;
  faults: FaultProxy;
  browser: Browser;
}

/** `prefs`: Firefox preferences for the test's profile. Server and browser start side by side. */
export async function startFirefoxRig(prefs: Record<string, unknown> = {}): Promise<FirefoxRig> {
  const [server, browser] = await Promise.allSettled([
    TestSyncServer.start(),
    puppeteer.launch({
      browser: 'firefox',
      executablePath,
      protocol: 'webDriverBiDi',
      headless: true,
      extraPrefsFirefox: prefs,
      // Lets the tests evaluate in Firefox's parent process, where the service worker manager lives.
      args: ['--remote-allow-system-access'],
    }),
  ]);
  if (server.status === 'fulfilled' && browser.status === 'fulfilled') {
    const faults = await FaultProxy.start(() => server.value.port);
    return { server: server.value, faults, browser: browser.value };
  }
  if (server.status === 'fulfilled') await server.value.dispose();
  if (browser.status === 'fulfilled') await browser.value.close();
  throw [server, browser].find((result): result is PromiseRejectedResult => result.status === 'rejected')?.reason;
}

export async function stopFirefoxRig({ server, faults, browser }: FirefoxRig): Promise<void> {
  await browser.close();
  await faults.close();
  await server.dispose();
}

/** Opens `url` in a new tab and waits until the page is connected to its worker. */
export async function openConnected(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(url);
  await waitUntilConnected(page);
  return page;
}

export async function waitUntilConnected(page: Page): Promise<void> {
  await page.waitForFunction(() => window.syncClient !== undefined, { timeout: 20_000 });
}

/** Calls the app's REST API with `fetch` from the page, as the app itself does. */
export function restFetch(page: Page, method: string, url: string, body?: unknown): Promise<RestAnswer> {
  return page.evaluate(fetchInPage, { method, url, body });
}

/** Reads a whole object store of the worker's IndexedDB database from the page (without index keys). */
export function readStore<T = Record<string, unknown>>(
  page: Page,
  store: string,
  database = 'syncworker',
): Promise<T[]> {
  return page.evaluate(readStoreInPage, { store, database }) as Promise<T[]>;
}

/** The text of each element matching `selector`. */
export function texts(page: Page, selector: string): Promise<string[]> {
  return page.$$eval(selector, (elements) => elements.map((element) => element.textContent?.trim() ?? ''));
}

/** Types `text` into the field and submits its form with Enter, as a user does. */
export async function submit(page: Page, field: string, text: string): Promise<void> {
  await page.type(field, text);
  await page.keyboard.press('Enter');
}

/** How many service workers are running now (BiDi lists a realm for each). */
export async function runningServiceWorkers(browser: Browser): Promise<number> {
  const { result } = await bidi(browser).send('script.getRealms', { type: 'service-worker' });
  return result.realms.length;
}

/**
 * Stops every running service worker, as Firefox does to idle workers, and resolves once they
 * are gone. Firefox has no command for it, so this calls its service worker manager from the
 * parent process (allowed by `--remote-allow-system-access`).
 */
export async function stopServiceWorkers(browser: Browser): Promise<void> {
  const connection = bidi(browser);
  const { result: tree } = await connection.send('browsingContext.getTree', { 'moz:scope': 'chrome' });
  const [chrome] = tree.contexts;
  if (!chrome) throw new Error('Firefox shows no parent-process context');
  const { result } = await connection.send('script.evaluate', {
    target: { context: chrome.context },
    awaitPromise: false,
    expression: `(() => {
      const manager = Cc['@mozilla.org/serviceworkers/manager;1'].getService(Ci.nsIServiceWorkerManager);
      const registrations = manager.getAllRegistrations();
      for (let i = 0; i < registrations.length; i++) {
        registrations.queryElementAt(i, Ci.nsIServiceWorkerRegistrationInfo).activeWorker?.terminateWorker();
      }
    })()`,
  });
  if (result.type === 'exception')
    throw new Error(`Stopping the service workers failed: ${result.exceptionDetails.text}`);
  for (let attempt = 0; (await runningServiceWorkers(browser)) > 0; attempt++) {
    if (attempt === 200) throw new Error('The service workers did not stop');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The WebDriver BiDi commands used here that puppeteer has no method for. */
interface BidiConnection {
  send(method: 'script.getRealms', params: { type: 'service-worker' }): Promise<{ result: { realms: unknown[] } }>;
  send(
    method: 'browsingContext.getTree',
    params: { 'moz:scope': 'chrome' },
  ): Promise<{ result: { contexts: { context: string }[] } }>;
  send(
    method: 'script.evaluate',
    params: { target: { context: string }; awaitPromise: boolean; expression: string },
  ): Promise<{ result: { type: 'success' } | { type: 'exception'; exceptionDetails: { text: string } } }>;
}

/** The browser's WebDriver BiDi connection (puppeteer's Firefox browser keeps it as `connection`). */
function bidi(browser: Browser): BidiConnection {
  return (browser as unknown as { connection: BidiConnection }).connection;
}
