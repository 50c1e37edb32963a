import { restFetch } from './fixtures/browser.ts';
import { expect, test } from './fixtures/test.ts';

test('the REST routes follow json-server conventions, and the server ends up with the same records', async ({
  app,
  server,
}) => {
  for (const [id, title, rank] of [
    ['a', 'milk', 3],
    ['b', 'bread', 1],
    ['c', 'eggs', 2],
  ] as const) {
    expect(
      (await restFetch(app, 'POST', '/api/todos', { id, title, rank, done: false, note: 'temporary' })).status,
    ).toBe(201);
  }
  const created = await restFetch(app, 'POST', '/api/todos', { title: 'no id given' });
  expect((created.body as { id: string }).id).toMatch(/^[0-9a-f-]{36}$/);

  const sorted = await restFetch(app, 'GET', '/api/todos?done=false&_sort=-rank&_limit=2');
  expect((sorted.body as { id: string }[]).map((todo) => todo.id)).toEqual(['a', 'c']);
  expect(sorted.headers['x-total-count']).toBe('3');

  const replaced = await restFetch(app, 'PUT', '/api/todos/a', { title: 'oat milk', done: true });
  expect([replaced.status, replaced.body]).toEqual([
    200,
    { id: 'a', title: 'oat milk', done: true, _version: expect.any(Number) },
  ]);
  const patched = await restFetch(app, 'PATCH', '/api/todos/b', { done: true });
  expect(patched.body).toMatchObject({ id: 'b', title: 'bread', done: true, note: 'temporary' });
  expect((await restFetch(app, 'DELETE', '/api/todos/c')).status).toBe(204);
  expect((await restFetch(app, 'GET', '/api/todos/c')).status).toBe(404);

  await app.evaluate(() => window.syncClient.syncNow());
  const rows = Object.fromEntries((await server.records('todos')).map((row) => [row.id, row.data]));
  expect(rows.a).toEqual({ title: 'oat milk', done: true });
  expect(rows.b).toEqual({ title: 'bread', rank: 1, done: true, note: 'temporary' });
  expect(rows.c).toBeUndefined();
});
