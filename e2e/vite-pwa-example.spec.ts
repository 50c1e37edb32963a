import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { createServer, type ViteDevServer } from 'vite';
import { TestSyncServer } from './fixtures/sync-server.ts';
import { viteBuild } from './fixtures/vite-build.ts';

/** examples/vite-pwa: Vite + vite-plugin-pwa (injectManifest), one worker for Workbox precaching and syncworker. */
const example = join(import.meta.dirname, '../examples/vite-pwa');
const configFile = join(example, 'vite.config.ts');

/** Adds a todo through the example's form; resolves to how the app's POST /api/todos was answered. */
async function addTodo(page: Page, title: string): Promise<{ status: number; fromServiceWorker: boolean }> {
  const created = page.waitForResponse(
    (response) => response.request().method() === 'POST' && new URL(response.url()).pathname === '/api/todos',
  );
  await page.fill('input[name=title]', title);
  await page.press('input[name=title]', 'Enter');
  const response = await created;
  return { status: response.status(), fromServiceWorker: response.fromServiceWorker() };
}

/** How many times the server applied a mutation to the todo titled `title` (exactly once means 1). */
async function appliedWritesOf(server: TestSyncServer, title: string): Promise<number> {
  const todo = (await server.records('todos')).find((row) => row.data.title === title);
  if (!todo) return 0;
  const [row] = await server.query<{ count: number }>(
    'SELECT count(*)::int AS count FROM syncworker_mutations WHERE record_id = $1',
    [todo.id],
  );
  return Number(row?.count);
}

// One build, one sync server and one dev server for the file, so its tests run in one worker, in order.
test.describe.configure({ mode: 'default' });

let dir: string;
let cacheDir: string;
let server: TestSyncServer;
let vite: ViteDevServer;

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'syncworker-vite-pwa-'));
  cacheDir = await mkdtemp(join(tmpdir(), 'syncworker-vite-cache-'));
  [server] = await Promise.all([TestSyncServer.start({ staticDir: dir }), viteBuild(example, dir)]);
  const syncServer = `http://127.0.0.1:${server.port}`;
  vite = await createServer({
    configFile,
    cacheDir,
    logLevel: 'warn',
    server: { host: '127.0.0.1', port: 0, proxy: { '/sync/': syncServer, '/api': syncServer } },
  });
  await vite.listen();
});

test.afterAll(async () => {
  await vite?.close();
  await server?.dispose();
  await Promise.all([dir, cacheDir].map((path) => rm(path, { recursive: true, force: true })));
});

test('built with vite build: opens offline from the Workbox precache, creates a todo offline, and the server gets it exactly once', async ({
  page,
  context,
}) => {
  await page.goto(`http://127.0.0.1:${server.port}/`);
  await expect(page.locator('#status')).toContainText('Connected');
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toMatch(/\/sw\.js$/);

  await context.setOffline(true);
  await page.reload();
  await expect(page.locator('#status')).toContainText('Connected');
  expect(await addTodo(page, 'milk')).toEqual({ status: 201, fromServiceWorker: true });
  await expect(page.locator('#todos li')).toHaveText(['milk']);
  await expect(page.locator('#status')).toContainText('1 change(s) waiting');

  await context.setOffline(false);
  await expect.poll(() => appliedWritesOf(server, 'milk')).toBe(1);
  expect((await server.records('todos')).filter((row) => row.data.title === 'milk')).toHaveLength(1);
  await expect(page.locator('#status')).toContainText('0 change(s) waiting');
});

test("under vite dev: connect() registers the app's module worker, which answers /api/todos and syncs through the /sync/ proxy", async ({
  page,
}) => {
  const url = vite.resolvedUrls?.local[0];
  if (!url) throw new Error('vite dev is not listening');
  await page.goto(url);
  await expect(page.locator('#status')).toContainText('Connected');
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toContain('/dev-sw.js?dev-sw');

  expect(await addTodo(page, 'bread')).toEqual({ status: 201, fromServiceWorker: true });
  await expect(page.locator('#todos li', { hasText: 'bread' })).toHaveCount(1);
  await expect.poll(() => appliedWritesOf(server, 'bread')).toBe(1);
});
