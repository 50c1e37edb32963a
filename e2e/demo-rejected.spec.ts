import type { Page } from '@playwright/test';
import { strictDemoCollections } from '../demo/schema.ts';
import type { CollectionSchemas } from '../server/index.ts';
import { restFetch } from './fixtures/browser.ts';
import { expect, test } from './fixtures/test.ts';

/** A server stricter than the demo's worker (`demo/collections-file.ts --strict`): todos have no `due` field. */
const schema: CollectionSchemas = strictDemoCollections;
const schemaWithDue: CollectionSchemas = {
  ...schema,
  todos: {
    schema: {
      ...strictDemoCollections.todos.schema,
      properties: { ...strictDemoCollections.todos.schema.properties, due: { type: 'string' } },
    },
  },
};

test.use({ serverOptions: { collections: schema } });

const todoRow = (app: Page, title: string) => app.locator('#todos li', { hasText: title });

/** A write from a newer version of the app, with a field this server does not know yet. */
async function addTodoWithDueDate(app: Page, title: string): Promise<void> {
  const created = await restFetch(app, 'POST', '/api/todos', {
    title,
    done: false,
    createdAt: Date.now(),
    due: 'Friday',
  });
  expect(created.status).toBe(201);
}

test('a todo the server refuses stays on screen with the server’s reason until Undo removes it', async ({
  app,
  server,
}) => {
  await addTodoWithDueDate(app, 'call the plumber');
  const row = todoRow(app, 'call the plumber');
  await expect(row.locator('.mark')).toHaveText('Rejected');
  await expect(row.locator('.rejection p')).toHaveText('The server refused this item: todos.due is not a known field');
  await expect(app.locator('#notices')).toHaveText(/1 change was refused by the server/);
  await expect(app.locator('#status')).not.toHaveText(/waiting|Syncing/);
  expect(await server.records('todos')).toEqual([]);

  await row.getByRole('button', { name: 'Undo' }).click();
  await expect(row).toHaveCount(0);
  await expect(app.locator('#notices')).not.toContainText('refused');
  expect(await app.evaluate(() => window.syncClient.deadLetters())).toEqual([]);
  expect(await server.records('todos')).toEqual([]);
});

test('Retry sends a refused todo again, and it syncs once the server accepts it', async ({ app, server }) => {
  await addTodoWithDueDate(app, 'book the venue');
  const row = todoRow(app, 'book the venue');
  await expect(row.locator('.mark')).toHaveText('Rejected');

  // The server is upgraded and learns the field.
  await server.stop();
  await server.restart({ collections: schemaWithDue });
  await row.getByRole('button', { name: 'Retry' }).click();
  await expect(row.locator('.mark')).toHaveText('Synced');
  await expect(row.locator('.rejection')).toHaveCount(0);
  await expect(app.locator('#notices')).not.toContainText('refused');
  expect((await server.records('todos')).map((record) => [record.data.title, record.data.due])).toEqual([
    ['book the venue', 'Friday'],
  ]);
});

test('a refused edit shows the server’s version with the reason; Undo keeps that version', async ({ app, server }) => {
  await app.getByLabel('New todo').fill('water the plants');
  await app.getByLabel('New todo').press('Enter');
  const row = todoRow(app, 'water the plants');
  await expect(row.locator('.mark')).toHaveText('Synced');
  const id = await row.getAttribute('data-id');

  await restFetch(app, 'PATCH', `/api/todos/${id}`, { title: 'water the plants on Friday', due: 'Friday' });
  await expect(row.locator('.mark')).toHaveText('Rejected');
  await expect(row.locator('.text')).toHaveText('water the plants');
  await expect(row.locator('.rejection p')).toHaveText('The server refused your edit: todos.due is not a known field');

  await row.getByRole('button', { name: 'Undo' }).click();
  await expect(row.locator('.mark')).toHaveText('Synced');
  await expect(row.locator('.rejection')).toHaveCount(0);
  expect((await server.records('todos')).map((record) => record.data.title)).toEqual(['water the plants']);
});
