import { copyFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { restFetch } from './fixtures/browser.ts';
import { expect, test } from './fixtures/test.ts';
import { viteBuild } from './fixtures/vite-build.ts';

/** The React app of e2e/react-app, built once per test worker and served by the sync server with the ready-made worker. */
const appDir = join(tmpdir(), `syncworker-react-app-${process.pid}`);

test.beforeAll(async () => {
  await viteBuild(join(import.meta.dirname, 'react-app'), appDir);
  await copyFile(join(import.meta.dirname, '../dist/syncworker-sw.js'), join(appDir, 'syncworker-sw.js'));
});

test.afterAll(async () => {
  await rm(appDir, { recursive: true, force: true });
});

test.use({ serverOptions: { staticDir: appDir } });

test('useQuery, useRecord and useSyncStatus follow writes from another tab and the sync', async ({
  page,
  context,
  server,
  faults,
}) => {
  await page.goto(faults.url);
  await expect(page.locator('#missing')).toHaveText('missing_provider');
  // The worker may already have pulled (nothing) by now: either way nothing waits.
  await expect(page.locator('#status')).toHaveText(/^(idle|synced)$/);
  await expect(page.locator('#pinned')).toHaveText('no record');

  const other = await context.newPage();
  await other.goto(faults.url);
  await other.waitForFunction(() => window.syncClient !== undefined);
  for (const title of ['bread', 'apples']) {
    expect((await restFetch(other, 'POST', '/api/todos', { title, done: false })).status).toBe(201);
  }
  await expect(page.locator('#todos li')).toHaveText(['apples', 'bread']);
  const pinned = { id: 'pinned', title: 'pinned note', done: true };
  expect((await restFetch(other, 'POST', '/api/todos', pinned)).status).toBe(201);
  await expect(page.locator('#pinned')).toHaveText('pinned note');
  await expect(page.locator('#todos li')).toHaveText(['apples', 'bread']);

  // Re-renders give the hook a new but equal query object: the live query goes on, no reload.
  for (let click = 1; click <= 3; click++) {
    await page.click('#rerender');
    await expect(page.locator('#rerender')).toHaveText(`re-render (${click})`);
  }
  expect(await page.locator('#reloads').textContent()).toBe('0');
  await expect(page.locator('#status')).toHaveText('synced');

  await server.stop();
  await context.setOffline(true);
  await page.fill('input[name=title]', 'cheese');
  await page.press('input[name=title]', 'Enter');
  await expect(page.locator('#todos li')).toHaveText(['apples', 'bread', 'cheese']);
  await expect(page.locator('#status')).toHaveText('1 pending');
  expect((await restFetch(other, 'DELETE', '/api/todos/pinned')).status).toBe(204);
  await expect(page.locator('#pinned')).toHaveText('no record');

  await server.restart();
  await context.setOffline(false);
  await expect(page.locator('#status')).toHaveText('synced');
  expect((await server.records('todos')).map((row) => row.data.title).sort()).toEqual(['apples', 'bread', 'cheese']);
});
