import type { PushResponse } from '../protocol/index.ts';
import { readStore, restFetch, stopServiceWorkers } from './fixtures/browser.ts';
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

test('writes interrupted by worker stops take effect once, each keeping its first answer', async ({ app, server }) => {
  await app.evaluate(() => window.syncClient.pause());
  const creating = app.evaluate(async (count) => {
    const answers = await Promise.all(
      Array.from({ length: count }, async (_, index) => {
        await new Promise((resolve) => setTimeout(resolve, index * 10));
        const title = `write ${index}`;
        try {
          const response = await fetch('/api/todos', { method: 'POST', body: JSON.stringify({ title, n: 0 }) });
          return { title, status: response.status, id: ((await response.json()) as { id: string }).id };
        } catch {
          return { title, status: 0, id: null };
        }
      }),
    );
    // Each answered record is then changed and half of them deleted, with more stops under way.
    const changes = await Promise.all(
      answers.map(async ({ id, status }, index) => {
        if (status !== 201 || id === null) return [];
        const patch = fetch(`/api/todos/${id}`, { method: 'PATCH', body: JSON.stringify({ n: 1 }) });
        const statuses = [
          await patch.then(
            (r) => r.status,
            () => 0,
          ),
        ];
        if (index % 2 === 0)
          statuses.push(
            await fetch(`/api/todos/${id}`, { method: 'DELETE' }).then(
              (r) => r.status,
              () => 0,
            ),
          );
        return statuses;
      }),
    );
    return { answers, changes };
  }, 80);
  for (let stop = 0; stop < 12; stop++) {
    await new Promise((resolve) => setTimeout(resolve, 80));
    await stopServiceWorkers(app);
  }
  const { answers, changes } = await creating;

  // The page client gave every write an Idempotency-Key; the worker kept the first answer of each.
  const outbox = await readStore<{ recordId: string; op: string }>(app, 'outbox');
  const perRecordAndOp = new Map<string, number>();
  for (const entry of outbox)
    perRecordAndOp.set(`${entry.recordId} ${entry.op}`, (perRecordAndOp.get(`${entry.recordId} ${entry.op}`) ?? 0) + 1);
  expect([...perRecordAndOp.values()].every((count) => count === 1)).toBe(true);
  const todos = await readStore<{ id: string; title: string; n: number }>(app, 'todos');
  const titles = todos.map((todo) => todo.title);
  expect(new Set(titles).size).toBe(titles.length);
  for (const { id } of answers.filter((answer) => answer.status === 201)) {
    expect(outbox.filter((entry) => entry.recordId === id && entry.op === 'create')).toHaveLength(1);
  }
  expect(answers.filter((answer) => answer.status === 201).length).toBeGreaterThan(answers.length / 2);
  expect(changes.flat().every((status) => [0, 200, 204].includes(status))).toBe(true);

  await app.evaluate(() => window.syncClient.resume());
  await expect.poll(() => app.evaluate(() => window.syncClient.syncNow().then((status) => status.pending))).toBe(0);
  expect(await server.appliedMutationCount()).toBe(outbox.length);
  expect((await server.records('todos')).map((row) => row.id).sort()).toEqual(todos.map((todo) => todo.id).sort());
});
