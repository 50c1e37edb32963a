import type { PullResponse } from '../protocol/index.ts';
import { readStore, restFetch } from './fixtures/browser.ts';
import { recordProgress, seedServer } from './fixtures/seeding.ts';
import { expect, test } from './fixtures/test.ts';

test('a bootstrap of 10,000 records arrives in pages and reports its progress', async ({ app, server, faults }) => {
  // Paused while the server fills up, so the records arrive in one bootstrap rather than with each poke.
  await app.evaluate(() => window.syncClient.pause());
  await seedServer(server, 10_000);
  const progressSeen = await recordProgress(app);
  const pullsBefore = faults.exchangesTo('/sync/pull').length;

  await app.evaluate(() => window.syncClient.resume());
  await expect.poll(() => readStore(app, 'todos').then((todos) => todos.length), { timeout: 30_000 }).toBe(10_000);

  const pageSizes = faults
    .exchangesTo('/sync/pull')
    .slice(pullsBefore)
    .map((exchange) => (JSON.parse(exchange.responseBody) as PullResponse).changes.todos?.upserted.length ?? 0)
    .filter((size) => size > 0);
  expect(pageSizes.reduce((sum, size) => sum + size, 0)).toBe(10_000);
  expect(pageSizes.length).toBeGreaterThanOrEqual(10);
  expect(Math.max(...pageSizes)).toBeLessThanOrEqual(1000);
  const progress = await progressSeen();
  expect(progress.length).toBeGreaterThanOrEqual(10);
  expect(progress.at(-1)).toEqual({ pulled: 10_000, hasMore: false });
  expect(progress.map((event) => event.pulled)).toEqual(
    [...progress.map((event) => event.pulled)].sort((a, b) => a - b),
  );
  const listed = await restFetch(app, 'GET', '/api/todos?_sort=id&_limit=2&_offset=9998');
  expect((listed.body as { id: string }[]).map((todo) => todo.id)).toEqual(['seed-09999', 'seed-10000']);
});

test('a pull arriving while a local edit is pending does not clobber it', async ({ app, server, faults }) => {
  await restFetch(app, 'POST', '/api/todos', { id: 'shared', title: 'original', done: false });
  await expect.poll(() => readStore(app, 'outbox')).toHaveLength(0);

  faults.failRequests('/sync/push', { status: 503 }, 1000);
  await restFetch(app, 'PATCH', '/api/todos/shared', { title: 'edited here' });
  await server.push({
    clientId: 'other-device',
    mutations: [
      {
        seq: 1,
        id: 'o1',
        collection: 'todos',
        op: 'update',
        recordId: 'shared',
        data: { done: true },
        baseVersion: 1,
        at: Date.now(),
      },
    ],
  });
  const pullsBefore = faults.exchangesTo('/sync/pull').length;
  await app.evaluate(() => window.syncClient.syncNow());

  const pulled = faults
    .exchangesTo('/sync/pull')
    .slice(pullsBefore)
    .map((exchange) => exchange.responseBody);
  expect(pulled.some((body) => body.includes('"done":true'))).toBe(true);
  const [local] = await readStore<{ title: string; done: boolean }>(app, 'todos');
  expect(local).toMatchObject({ title: 'edited here', done: false });
  expect(await readStore(app, 'outbox')).toHaveLength(1);

  faults.heal('/sync/push');
  await app.evaluate(() => window.syncClient.syncNow());
  await expect.poll(() => readStore(app, 'outbox')).toHaveLength(0);
  const [merged] = await readStore<{ title: string; done: boolean; _version: number }>(app, 'todos');
  expect(merged).toMatchObject({ title: 'edited here', done: true, _version: 3 });
  expect((await server.records('todos'))[0]?.data).toEqual({ title: 'edited here', done: true });
});
