import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/test.ts';

async function addTodo(app: Page, title: string): Promise<void> {
  await app.getByLabel('New todo').fill(title);
  await app.getByRole('button', { name: 'Add', exact: true }).click();
}

const todoRow = (app: Page, title: string) => app.locator('#todos li', { hasText: title });

test('todos added offline are marked as waiting, then as synced once the server has them', async ({
  app,
  server,
  context,
}) => {
  await addTodo(app, 'added online');
  await expect(todoRow(app, 'added online').locator('.mark')).toHaveText('Synced');
  await expect(app.locator('#status')).toHaveText(/^Synced at \d\d:\d\d/);

  await server.stop();
  await context.setOffline(true);
  await expect(app.locator('#status')).toHaveText('Offline · everything is saved on this device');
  for (const title of ['milk', 'bread']) await addTodo(app, title);
  await expect(todoRow(app, 'milk').locator('.mark')).toHaveText('Waiting to sync');
  await expect(todoRow(app, 'bread').locator('.mark')).toHaveText('Waiting to sync');
  await expect(todoRow(app, 'added online').locator('.mark')).toHaveText('Synced');
  await expect(app.locator('#status')).toHaveText('Offline · 2 changes saved on this device');

  // Ticking one off offline is one more change waiting.
  await todoRow(app, 'added online').getByRole('checkbox').check();
  await expect(todoRow(app, 'added online').locator('.mark')).toHaveText('Waiting to sync');
  await expect(app.locator('#status')).toHaveText('Offline · 3 changes saved on this device');

  await server.restart();
  await context.setOffline(false);
  for (const title of ['milk', 'bread', 'added online']) {
    await expect(todoRow(app, title).locator('.mark')).toHaveText('Synced');
  }
  await expect(app.locator('#status')).toHaveText(/^Synced at \d\d:\d\d/);
  expect((await server.records('todos')).map((row) => [row.data.title, row.data.done]).sort()).toEqual([
    ['added online', true],
    ['bread', false],
    ['milk', false],
  ]);
});

test('the status line never shows a raw network error, and says when the server cannot be reached', async ({
  app,
  server,
}) => {
  await server.stop();
  await addTodo(app, 'while the server is down');
  await expect(todoRow(app, 'while the server is down').locator('.mark')).toHaveText('Waiting to sync');
  await expect(app.locator('#status')).toHaveText(
    /^Can’t reach the server · 1 change waiting · (retrying at \d\d:\d\d( [AP]M)?|will retry)$/,
  );
  await expect(app.locator('body')).not.toContainText('Failed to fetch');
  await expect(app.locator('body')).not.toContainText('TypeError');

  await server.restart();
  await app.evaluate(() => window.syncClient.syncNow());
  await expect(todoRow(app, 'while the server is down').locator('.mark')).toHaveText('Synced');
  await expect(app.locator('#status')).toHaveText(/^Synced at/);
});

test('a change waiting to be sent can be undone: the todo is back as it was and the server never sees it', async ({
  app,
  server,
  context,
}) => {
  await addTodo(app, 'keep me');
  await expect(todoRow(app, 'keep me').locator('.mark')).toHaveText('Synced');

  await context.setOffline(true);
  await addTodo(app, 'added by mistake');
  await todoRow(app, 'keep me').getByRole('checkbox').check();
  await expect(app.locator('#status')).toHaveText('Offline · 2 changes saved on this device');
  await app.getByRole('button', { name: 'Undo unsent change: added by mistake' }).click();
  await expect(todoRow(app, 'added by mistake')).toHaveCount(0);
  await app.getByRole('button', { name: 'Undo unsent change: keep me' }).click();
  await expect(todoRow(app, 'keep me').getByRole('checkbox')).not.toBeChecked();
  await expect(todoRow(app, 'keep me').locator('.mark')).toHaveText('Synced');
  await expect(app.locator('#status')).toHaveText('Offline · everything is saved on this device');

  await context.setOffline(false);
  await app.evaluate(() => window.syncClient.syncNow());
  expect((await server.records('todos')).map((row) => [row.data.title, row.data.done])).toEqual([['keep me', false]]);
});
