import type { MutationOutcome } from '../protocol/index.ts';
import { readStore, restFetch } from './fixtures/browser.ts';
import { expect, test } from './fixtures/test.ts';

test.use({
  serverOptions: {
    collections: {
      // Stricter than the demo worker's schema (which knows no rank), so the server rejects what the worker took.
      todos: { schema: { type: 'object', properties: { title: { type: 'string' }, rank: { type: 'integer' } } } },
    },
  },
});

test('a 500 is retried with backoff and the mutation applied once', async ({ app, server, faults }) => {
  faults.failRequests('/sync/push', { status: 500 });
  expect((await restFetch(app, 'POST', '/api/todos', { id: 't1', title: 'survives a 500' })).status).toBe(201);

  await expect.poll(() => readStore(app, 'outbox')).toHaveLength(0);
  expect(faults.exchangesTo('/sync/push').map((push) => push.status)).toEqual([500, 200]);
  expect(await server.appliedMutationCount()).toBe(1);
  expect((await server.records('todos')).map((row) => row.id)).toEqual(['t1']);
  const log = await app.evaluate(() => window.syncClient.log());
  expect(log.map((entry) => entry.kind)).toEqual(expect.arrayContaining(['error', 'push']));
  expect(log.find((entry) => entry.kind === 'error')?.details).toEqual({ code: 'server_error' });
});

test('a rejected mutation becomes a dead letter, its local record is restored, and the queue goes on', async ({
  app,
  server,
}) => {
  await app.evaluate(() => {
    (window as unknown as { outcomes: MutationOutcome[] }).outcomes = [];
    window.syncClient.on('outcomes', (outcomes) =>
      (window as unknown as { outcomes: MutationOutcome[] }).outcomes.push(...outcomes),
    );
  });
  await restFetch(app, 'POST', '/api/todos', { id: 'kept', title: 'fine' });
  await expect.poll(() => server.appliedMutationCount()).toBe(1);

  await server.stop();
  expect((await restFetch(app, 'POST', '/api/todos', { id: 'bad', title: 'bad', rank: 'high' })).status).toBe(201);
  await restFetch(app, 'PATCH', '/api/todos/kept', { rank: 1.5 });
  await restFetch(app, 'POST', '/api/todos', { id: 'good', title: 'after the bad ones' });
  await server.restart();
  await app.evaluate(() => window.syncClient.syncNow());

  const deadLetters = await readStore<{ kind: string; mutation: { recordId: string }; error: { code: string } }>(
    app,
    'deadLetters',
  );
  expect(deadLetters.map((letter) => [letter.mutation.recordId, letter.error.code]).sort()).toEqual([
    ['bad', 'invalid_record'],
    ['kept', 'invalid_record'],
  ]);
  const local = await readStore<{ id: string; title: unknown }>(app, 'todos');
  expect(local.map((todo) => [todo.id, todo.title])).toEqual([
    ['good', 'after the bad ones'],
    ['kept', 'fine'],
  ]);
  expect((await server.records('todos')).map((row) => row.id)).toEqual(['good', 'kept']);
  expect(await readStore(app, 'outbox')).toHaveLength(0);
  const outcomes = await app.evaluate(() => (window as unknown as { outcomes: MutationOutcome[] }).outcomes);
  expect(outcomes.map((outcome) => [outcome.recordId, outcome.status])).toEqual([
    ['kept', 'applied'],
    ['bad', 'rejected'],
    ['kept', 'rejected'],
    ['good', 'applied'],
  ]);
  // The demo shows both refusals with the server's reason: the edit on its restored record, the create from its letter.
  await expect(app.locator('#todos li')).toHaveText([
    /after the bad ones/,
    /fine.*refused your edit: todos.rank must be an integer/,
    /bad.*refused this item: todos.rank must be an integer/,
  ]);
});

test('a 429 with Retry-After is respected before the retry', async ({ app, server, faults }) => {
  faults.failRequests('/sync/push', {
    status: 429,
    headers: { 'Retry-After': '3' },
    body: { error: { code: 'rate_limited', message: 'slow down' } },
  });
  await restFetch(app, 'POST', '/api/todos', { id: 'patient', title: 'waits its turn' });

  // The outbox empties once the answer is back, so the proxy has recorded the exchange by then.
  await expect.poll(() => readStore(app, 'outbox'), { timeout: 20_000 }).toHaveLength(0);
  expect(await server.appliedMutationCount()).toBe(1);
  const [limited, retried] = faults.exchangesTo('/sync/push');
  expect(limited?.status).toBe(429);
  expect(retried?.status).toBe(200);
  expect((retried?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(3000);
  const status = await app.evaluate(() => window.syncClient.status());
  expect(status.lastError).toBeNull();
});

test('replay routes queue requests made offline and replay them in order with an Idempotency-Key', async ({
  app,
  faults,
  context,
}) => {
  faults.failRequests('/api/rpc/invite', { status: 200, body: { sent: true } }, 10);
  await context.setOffline(true);
  const queued = [];
  for (const email of ['ann@example.com', 'bo@example.com']) {
    const answer = await restFetch(app, 'POST', '/api/rpc/invite', { email });
    expect(answer.status).toBe(202);
    queued.push(answer.headers['x-sync-queued']);
  }
  expect(await readStore(app, 'requests')).toHaveLength(2);

  await context.setOffline(false);
  await app.evaluate(() => window.syncClient.syncNow());
  const calls = faults.exchangesTo('/api/rpc/invite');
  expect(calls.map((call) => JSON.parse(call.requestBody).email)).toEqual(['ann@example.com', 'bo@example.com']);
  expect(calls.map((call) => call.headers['idempotency-key'])).toEqual(queued);
  expect(calls.every((call) => call.headers.authorization === undefined)).toBe(true);
  expect(await readStore(app, 'requests')).toHaveLength(0);
});
