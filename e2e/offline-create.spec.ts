import { readStore, restFetch } from './fixtures/browser.ts';
import { expect, test } from './fixtures/test.ts';

test('todos created while the server is down survive a reload and reach the server exactly once', async ({
  app,
  server,
  context,
}) => {
  await server.stop();
  for (const title of ['milk', 'bread', 'eggs']) {
    const created = await restFetch(app, 'POST', '/api/todos', { title, done: false });
    expect(created.status).toBe(201);
    expect(created.headers['x-sync-pending']).toBe('1');
  }

  await context.setOffline(true);
  await app.reload();
  await app.waitForFunction(() => window.syncClient !== undefined);
  const listed = await restFetch(app, 'GET', '/api/todos?_sort=title');
  expect((listed.body as { title: string }[]).map((todo) => todo.title)).toEqual(['bread', 'eggs', 'milk']);
  await expect(app.locator('#todos li')).toHaveCount(3);
  expect(await readStore(app, 'outbox')).toHaveLength(3);

  await context.setOffline(false);
  await server.restart();
  await expect
    .poll(() => server.records('todos').then((rows) => rows.map((row) => row.data.title).sort()))
    .toEqual(['bread', 'eggs', 'milk']);
  expect(await server.appliedMutationCount()).toBe(3);
  await expect.poll(() => readStore(app, 'outbox')).toHaveLength(0);
  const local = await readStore<{ _version?: number }>(app, 'todos');
  expect(local.map((todo) => todo._version)).toEqual([1, 1, 1]);
});
