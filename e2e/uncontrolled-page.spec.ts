import type { Page } from '@playwright/test';
import { signHs256, validClaims } from '../server/test-tokens.ts';
import { openApp, readStore, restFetch } from './fixtures/browser.ts';
import { expect, test } from './fixtures/test.ts';

const SECRET = 'uncontrolled-page-secret';
const TOKEN = signHs256(validClaims('dana'), SECRET);

type Probe = typeof window & { isControlledAtLoad: boolean; early: Promise<{ status: number; body: unknown }> };

/** At the start of every new document, before `connect()`: a write through the app's REST route. */
async function writeEarly(page: Page, todo: Record<string, unknown>): Promise<void> {
  await page.addInitScript((todo) => {
    (window as Probe).early = fetch('/api/todos', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(todo),
    }).then(async (response) => ({ status: response.status, body: await response.json() }));
  }, todo);
}

/** Notes, as every new document of the page starts, whether a worker controls it. */
async function probeControlAtLoad(page: Page): Promise<void> {
  await page.addInitScript(() => {
    (window as Probe).isControlledAtLoad = navigator.serviceWorker.controller !== null;
  });
}

/** Shift+Reload: CDP's reload with `ignoreCache` bypasses the service worker, as the browser's hard reload does. */
async function hardReload(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.enable');
  const loaded = new Promise((resolve) => cdp.once('Page.loadEventFired', resolve));
  await cdp.send('Page.reload', { ignoreCache: true });
  await loaded;
  await cdp.detach();
  await page.waitForFunction(() => window.syncClient !== undefined);
}

test('a hard-reloaded page is claimed back by the worker and works offline, each write synced once', async ({
  app,
  server,
  context,
}) => {
  expect((await restFetch(app, 'POST', '/api/todos', { id: 'before', title: 'before the reload' })).status).toBe(201);
  await probeControlAtLoad(app);
  await writeEarly(app, { id: 'early', title: 'while uncontrolled' });
  await hardReload(app);

  // Before connect() claimed it, the page's write went to the server, which answered as the worker would.
  expect(await app.evaluate(() => (window as Probe).isControlledAtLoad)).toBe(false);
  expect(await app.evaluate(() => (window as Probe).early)).toEqual({
    status: 201,
    body: { id: 'early', title: 'while uncontrolled', _version: 1 },
  });
  expect(await app.evaluate(async () => (await window.syncClient.status()).isControlled)).toBe(true);
  // The worker pulls it down: the page then works offline with everything.
  await app.evaluate(() => window.syncClient.syncNow());
  await context.setOffline(true);
  const offline = await restFetch(app, 'POST', '/api/todos', { id: 'after', title: 'after the reload, offline' });
  expect(offline.status).toBe(201);
  expect(offline.headers['x-sync-pending']).toBe('1');
  await expect(app.locator('#todos li')).toHaveCount(3);
  const listed = await restFetch(app, 'GET', '/api/todos?_sort=id');
  expect((listed.body as { id: string }[]).map((todo) => todo.id)).toEqual(['after', 'before', 'early']);

  await context.setOffline(false);
  await app.evaluate(() => window.syncClient.syncNow());
  expect((await server.records('todos')).map((row) => row.id)).toEqual(['after', 'before', 'early']);
  expect(await server.appliedMutationCount()).toBe(3);
});

test('a first visit’s requests before the worker activates go to the server, and the worker syncs them down once', async ({
  page,
  server,
  faults,
}) => {
  // On a first visit no worker exists yet: whatever the app fetches at start goes to the network.
  await probeControlAtLoad(page);
  await writeEarly(page, { id: 'early', title: 'before activation', done: false, createdAt: 1 });
  await openApp(page, faults.url);

  expect(await page.evaluate(() => (window as Probe).isControlledAtLoad)).toBe(false);
  expect(await page.evaluate(() => (window as Probe).early)).toEqual({
    status: 201,
    body: { id: 'early', title: 'before activation', done: false, createdAt: 1, _version: 1 },
  });
  expect(await page.evaluate(async () => (await window.syncClient.status()).isControlled)).toBe(true);

  await page.evaluate(() => window.syncClient.syncNow());
  expect((await readStore<{ id: string }>(page, 'todos')).map((todo) => todo.id)).toEqual(['early']);
  await expect(page.locator('#todos li')).toHaveCount(1);
  expect((await server.records('todos')).map((row) => row.id)).toEqual(['early']);
  expect(await server.appliedMutationCount()).toBe(1);
});

test.describe('a page the worker may not claim', () => {
  test.use({ serverOptions: { auth: { mode: 'jwt', secret: SECRET } } });

  test('connects, reports it is not controlled, reads and writes through the server with the token, exactly once', async ({
    page,
    server,
    faults,
  }) => {
    await page.route(`${faults.url}/unclaimed.html`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><script src="/syncworker.iife.js"></script><script>
          SyncWorker.connect({
            config: { routes: { '/api/todos': 'todos' }, claimClients: false },
            getToken: () => ${JSON.stringify(TOKEN)},
          }).then((client) => { window.syncClient = client; });
        </script>`,
      }),
    );
    await page.goto(`${faults.url}/unclaimed.html`);
    await page.waitForFunction(() => window.syncClient !== undefined);
    expect(await page.evaluate(() => navigator.serviceWorker.controller)).toBeNull();
    expect(await page.evaluate(async () => (await window.syncClient.status()).isControlled)).toBe(false);

    // The app's plain fetch reaches the server, which answers the worker's routes for the token's user.
    const created = await restFetch(page, 'POST', '/api/todos', { id: 'by-fetch', title: 'through the server' });
    expect(created).toMatchObject({ status: 201, body: { id: 'by-fetch', _version: 1 } });
    // The server pokes the page's event stream; the worker pulls the write in, no sync asked for.
    await expect
      .poll(async () => (await readStore<{ id: string }>(page, 'todos')).map((todo) => todo.id))
      .toEqual(['by-fetch']);
    const listed = await restFetch(page, 'GET', '/api/todos?_sort=title');
    expect(listed.body).toEqual([{ id: 'by-fetch', title: 'through the server', _version: 1 }]);
    expect(listed.headers['x-total-count']).toBe('1');
    const calls = faults.exchangesTo('/api/todos');
    expect(calls.map((call) => call.headers.authorization)).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);

    // A write the browser sends twice with one key takes effect once.
    const twice = await page.evaluate(async () => {
      const send = () =>
        fetch('/api/todos', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'one-write' },
          body: JSON.stringify({ id: 'keyed', title: 'sent twice' }),
        });
      const answers = [await send(), await send()];
      return answers.map((answer) => [answer.status, answer.headers.get('idempotent-replayed')]);
    });
    expect(twice).toEqual([
      [201, null],
      [201, 'true'],
    ]);

    // The collection API still goes through the worker, which syncs both ways.
    await page.evaluate(() =>
      window.syncClient.collection('todos').put({ id: 'by-worker', title: 'through the worker' }),
    );
    await page.evaluate(() => window.syncClient.syncNow());
    const local = await readStore<{ id: string }>(page, 'todos');
    expect(local.map((todo) => todo.id).sort()).toEqual(['by-fetch', 'by-worker', 'keyed']);
    const rows = await server.query<{ id: string; owner: string }>(
      'SELECT id, owner FROM syncworker_records ORDER BY id',
    );
    expect(rows).toEqual([
      { id: 'by-fetch', owner: 'dana' },
      { id: 'by-worker', owner: 'dana' },
      { id: 'keyed', owner: 'dana' },
    ]);
    expect(await server.appliedMutationCount()).toBe(3);
  });
});

test.describe('a browser mode without service workers', () => {
  test.use({ serviceWorkers: 'block' });

  test('the demo works online through the server and says it is online only', async ({ page, server, faults }) => {
    await page.goto(faults.url);
    await expect(page.locator('#status')).toContainText('Online only');
    await page.locator('input[name=title]').fill('no worker here');
    await page.locator('#add button').click();
    await expect(page.locator('#todos li .text')).toHaveText(['no worker here']);
    await page.locator('#todos input[type=checkbox]').check();
    await expect(page.locator('#todos li.done')).toHaveCount(1);
    const rows = await server.records('todos');
    expect(rows.map((row) => [row.data.title, row.data.done, row.version])).toEqual([['no worker here', true, 2]]);
  });
});

test('a worker that fails to install ends connect() with worker_registration_failed, and the routes still work online', async ({
  page,
  server,
  faults,
}) => {
  await page.route(`${faults.url}/broken-install.html`, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><script src="/syncworker.iife.js"></script><script>
        // The app shell names a file the server does not have: the worker's install fails.
        window.connected = SyncWorker.connect({
          config: { routes: { '/api/todos': 'todos' }, appShell: ['/no-such-file.js'] },
        }).then(() => 'connected', (error) => error.code);
      </script>`,
    }),
  );
  await page.goto(`${faults.url}/broken-install.html`);
  expect(await page.evaluate(() => (window as unknown as { connected: Promise<string> }).connected)).toBe(
    'worker_registration_failed',
  );
  const created = await restFetch(page, 'POST', '/api/todos', { id: 'served', title: 'by the server' });
  expect(created).toMatchObject({ status: 201, body: { id: 'served', _version: 1 } });
  expect((await server.records('todos')).map((row) => row.id)).toEqual(['served']);
});
