import type { Page } from '@playwright/test';
import { readStore } from './fixtures/browser.ts';
import { expect, test } from './fixtures/test.ts';

test.use({
  serverOptions: {
    collections: {
      // Stricter than the demo worker's schema (which knows no rank), so the server rejects what the worker took.
      todos: { schema: { type: 'object', properties: { title: { type: 'string' }, rank: { type: 'integer' } } } },
    },
  },
  viewport: { width: 900, height: 600 },
});

const XSS_IMG = '<img src=x onerror="window.__xss = 1">';
const XSS_SCRIPT = '<script>window.__xss = 2</script>';
const todos = (page: Page) => ({
  put: (record: Record<string, unknown>) =>
    page.evaluate((r) => window.syncClient.collection('todos').put(r as { id: string }), record),
  patch: (id: string, fields: Record<string, unknown>) =>
    page.evaluate(([i, f]) => window.syncClient.collection('todos').patch(i as string, f as object), [id, fields]),
});

test('the devtools panel shows every view as text and acts on the outbox and dead letters', async ({
  page,
  faults,
  server,
}) => {
  await page.goto(`${faults.url}/?syncworker-devtools`);
  await page.waitForFunction(() => window.syncClient !== undefined);
  const panel = page.locator('#syncworker-devtools');
  await expect(panel.getByRole('dialog', { name: 'syncworker devtools' })).toBeVisible();

  // A conflict, a rejection, then pending changes made while sync is paused from the panel.
  await todos(page).put({ id: 'c1', title: 'conflicted' });
  await expect.poll(() => readStore(page, 'outbox')).toHaveLength(0);
  // Paused, so the other device's change is not pulled before the local edit that conflicts with it.
  await page.evaluate(() => window.syncClient.pause());
  await server.push({
    clientId: 'other',
    mutations: [
      {
        seq: 1,
        id: 'o1',
        collection: 'todos',
        op: 'update',
        recordId: 'c1',
        data: { done: true },
        baseVersion: 1,
        at: 1,
      },
    ],
  });
  await todos(page).patch('c1', { title: 'mine' });
  await page.evaluate(() => window.syncClient.resume());
  // One push at a time, so the log reads the same in every run.
  await expect.poll(() => readStore(page, 'outbox')).toHaveLength(0);
  await todos(page).put({ id: 'd1', title: 'ranked', rank: 'high' });
  await expect.poll(() => readStore(page, 'deadLetters')).toHaveLength(1);
  await expect.poll(() => readStore(page, 'outbox')).toHaveLength(0);

  await panel.getByRole('button', { name: 'Pause sync' }).click();
  await expect(panel.getByRole('button', { name: 'Resume sync' })).toBeVisible();
  await todos(page).put({ id: 'x1', title: XSS_IMG });
  await todos(page).put({ id: 'x2', title: XSS_SCRIPT });
  await expect.poll(() => readStore(page, 'outbox')).toHaveLength(2);
  expect(await server.records('todos').then((rows) => rows.map((row) => row.id))).toEqual(['c1']);

  const mask = [panel.locator('[data-volatile]')];
  for (const view of ['status', 'outbox', 'dead letters', 'collections', 'log', 'conflicts']) {
    await panel.getByRole('tab', { name: view }).click();
    await expect(panel.getByRole('tab', { name: view })).toHaveAttribute('aria-selected', 'true');
    await expect(panel.locator('main')).not.toBeEmpty();
    await expect(panel.locator('section')).toHaveScreenshot(`${view.replace(' ', '-')}.png`, { mask });
  }

  // Data is shown as text and runs nothing.
  await panel.getByRole('tab', { name: 'collections' }).click();
  await expect(panel.locator('td code', { hasText: '"title":"<img src=x onerror=' })).toHaveCount(1);
  await expect(panel.locator('td code', { hasText: XSS_SCRIPT })).toHaveCount(1);
  expect(await panel.locator('main img, main script').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();

  // Discard drops the pending change and restores the record (here: removes the unsynced one);
  // its seq stays queued as a skip, so later mutations are not held up by a hole.
  await panel.getByRole('tab', { name: 'outbox' }).click();
  await panel
    .getByRole('row', { name: /todos\/x2/ })
    .getByRole('button', { name: 'Discard' })
    .click();
  await expect
    .poll(() =>
      readStore<{ recordId: string; op: string }>(page, 'outbox').then((entries) =>
        entries.map((e) => (e.op === 'skip' ? 'skip' : e.recordId)),
      ),
    )
    .toEqual(['x1', 'skip']);
  expect((await readStore<{ id: string }>(page, 'todos')).map((todo) => todo.id)).not.toContain('x2');

  // Retry pushes at once, ignoring the backoff a 429 asked for.
  faults.failRequests('/sync/push', {
    status: 429,
    headers: { 'Retry-After': '600' },
    body: { error: { code: 'rate_limited', message: 'later' } },
  });
  await panel.getByRole('button', { name: 'Resume sync' }).click();
  await expect.poll(() => faults.exchangesTo('/sync/push').filter((push) => push.status === 429).length).toBe(1);
  await panel
    .getByRole('row', { name: /todos\/x1/ })
    .getByRole('button', { name: 'Retry' })
    .click();
  await expect.poll(() => readStore(page, 'outbox')).toHaveLength(0);
  expect((await server.records('todos')).map((row) => row.id)).toEqual(['c1', 'x1']);

  // Dead letters: discard.
  await panel.getByRole('tab', { name: 'dead letters' }).click();
  await panel.getByRole('button', { name: 'Discard' }).click();
  await expect.poll(() => readStore(page, 'deadLetters')).toHaveLength(0);
});

test('the keyboard shortcut toggles the panel', async ({ app }) => {
  await expect(app.locator('#syncworker-devtools')).toHaveCount(0);
  await app.keyboard.press('Alt+Shift+KeyD');
  await expect(app.locator('#syncworker-devtools').getByRole('dialog')).toBeVisible();
  await app.keyboard.press('Alt+Shift+KeyD');
  await expect(app.locator('#syncworker-devtools')).toHaveCount(0);
});
