import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readStore, stopServiceWorkers } from './fixtures/browser.ts';
import { expect, test } from './fixtures/test.ts';

type Window_ = typeof window & { calls: Promise<string>[]; live: { id: string; title: string }[] };

test('calls made while the browser stops the worker complete or fail clearly, none hangs', async ({ app }) => {
  await app.evaluate(() => {
    const todos = window.syncClient.collection('todos');
    (window as Window_).calls = Array.from({ length: 20 }, (_, i) =>
      new Promise((resolve) => setTimeout(resolve, i * 40))
        .then(() => todos.put({ id: `call-${i}`, title: `call ${i}` }))
        .then(
          () => 'ok',
          (error: { code?: string; message?: string }) => error.code ?? `no code: ${error.message}`,
        ),
    );
  });
  await new Promise((resolve) => setTimeout(resolve, 250));
  await stopServiceWorkers(app);
  await new Promise((resolve) => setTimeout(resolve, 250));
  await stopServiceWorkers(app);

  const results = await app.evaluate(() => Promise.all((window as Window_).calls));
  expect(results.every((result) => result === 'ok' || result === 'worker_unavailable')).toBe(true);
  const stored = new Set((await readStore<{ id: string }>(app, 'todos')).map((todo) => todo.id));
  results.forEach((result, i) => {
    if (result === 'ok') expect(stored.has(`call-${i}`)).toBe(true);
  });
  expect(results.filter((result) => result === 'ok').length).toBeGreaterThan(15);
});

test('a live query in one tab follows writes made in another', async ({ app, newTab }) => {
  await app.evaluate(() => {
    window.syncClient.collection('todos').subscribe({ where: { done: false }, sort: 'title' }, (records) => {
      (window as Window_).live = records as Window_['live'];
    });
  });
  const other = await newTab();
  await other.evaluate(() => window.syncClient.collection('todos').put({ id: 'b', title: 'beta', done: false }));
  await expect
    .poll(() => app.evaluate(() => (window as Window_).live?.map((todo) => todo.title)), { timeout: 1000 })
    .toEqual(['beta']);

  await other.evaluate(async () => {
    const todos = window.syncClient.collection('todos');
    await todos.put({ id: 'a', title: 'alpha', done: false });
    await todos.patch('b', { done: true });
  });
  await expect
    .poll(() => app.evaluate(() => (window as Window_).live.map((todo) => todo.title)), { timeout: 1000 })
    .toEqual(['alpha']);
  expect(await other.evaluate(() => window.syncClient.collection('todos').get('b'))).toMatchObject({
    title: 'beta',
    done: true,
  });
});

test('a page and a worker speaking different protocol versions get a clear error, not a hang', async ({
  page,
  faults,
}) => {
  // A worker from a future release: it answers the handshake with another protocol version.
  faults.failRequests(
    '/future-sw.js',
    {
      status: 200,
      headers: { 'Content-Type': 'text/javascript' },
      body: `self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
        self.addEventListener('message', (event) => {
          const port = event.data && event.data.port;
          if (!port) return;
          port.onmessage = ({ data }) =>
            port.postMessage({ id: data.id, type: 'RAW', value: { ok: true, value: { protocolVersion: 999, syncUrl: '/sync' } } });
        });`,
    },
    10,
  );
  await page.route('**/future.html', (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><script src="/syncworker.iife.js"></script><script>
        window.result = SyncWorker.connect({ serviceWorkerUrl: '/future-sw.js' })
          .then(() => 'connected', (error) => error.code + ': ' + error.message);
      </script>`,
    }),
  );
  await page.goto(`${faults.url}/future.html`);
  const result = await page.evaluate(() => (window as unknown as { result: Promise<string> }).result);
  expect(result).toMatch(/^version_mismatch: .*protocol 1.*999.*reload/);
});

test('a new worker version waits, is applied on request, and takes the outbox over without loss or duplicates', async ({
  app,
  server,
  faults,
}) => {
  faults.failRequests('/sync/push', { status: 503 }, 1000);
  for (const id of ['u1', 'u2'])
    await app.evaluate((id) => window.syncClient.collection('todos').put({ id, title: id }), id);
  expect(await readStore(app, 'outbox')).toHaveLength(2);

  const script = await readFile(join(import.meta.dirname, '../dist/demo/sw.js'), 'utf8');
  faults.failRequests(
    '/sw.js',
    { status: 200, headers: { 'Content-Type': 'text/javascript' }, body: `${script}\n// version 2` },
    10,
  );
  await app.evaluate(async () => {
    const waiting = new Promise((resolve) => window.syncClient.on('update', resolve));
    await (await navigator.serviceWorker.getRegistration())?.update();
    await waiting;
  });
  expect(await app.evaluate(() => window.syncClient.isUpdateWaiting)).toBe(true);
  expect(await readStore(app, 'outbox')).toHaveLength(2);

  await app.evaluate(() => window.syncClient.applyUpdate());
  expect(await app.evaluate(() => window.syncClient.isUpdateWaiting)).toBe(false);
  faults.heal('/sync/push');
  const status = await app.evaluate(() => window.syncClient.syncNow());
  expect(status.pending).toBe(0);
  expect((await server.records('todos')).map((row) => row.id)).toEqual(['u1', 'u2']);
  expect(await server.appliedMutationCount()).toBe(2);
});
