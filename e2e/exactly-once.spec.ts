import type { PushResponse } from '../protocol/index.ts';
import { readStore, restFetch } from './fixtures/browser.ts';
import { expect, test } from './fixtures/test.ts';

test('a push whose response is lost after the server committed is answered duplicate on retry', async ({
  app,
  server,
  faults,
}) => {
  faults.dropResponses('/sync/push', 1);
  const created = await restFetch(app, 'POST', '/api/todos', { id: 'once', title: 'apply me once' });
  expect(created.status).toBe(201);

  await expect.poll(() => readStore(app, 'outbox')).toHaveLength(0);
  const pushes = faults.exchangesTo('/sync/push');
  expect(pushes.map((push) => push.wasDropped)).toEqual([true, false]);
  const statuses = pushes.map((push) => (JSON.parse(push.responseBody) as PushResponse).results.map((r) => r.status));
  expect(statuses).toEqual([['applied'], ['duplicate']]);

  expect((await server.records('todos')).map((row) => [row.id, row.version])).toEqual([['once', 1]]);
  expect(await server.appliedMutationCount()).toBe(1);
  const [local] = await readStore<{ id: string; _version?: number }>(app, 'todos');
  expect(local).toMatchObject({ id: 'once', _version: 1 });
});
