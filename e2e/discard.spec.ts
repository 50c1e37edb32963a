import { readStore, restFetch } from './fixtures/browser.ts';
import { expect, test } from './fixtures/test.ts';

test('discarding a pending write restores the record and keeps later writes flowing', async ({
  app,
  server,
  faults,
}) => {
  faults.failRequests('/sync/push', { status: 503 }, 1000);
  for (const id of ['a', 'b', 'c'])
    expect((await restFetch(app, 'POST', '/api/todos', { id, title: id })).status).toBe(201);
  const pending = await app.evaluate(() => window.syncClient.outbox());
  expect(pending.map((entry) => [entry.seq, entry.recordId])).toEqual([
    [1, 'a'],
    [2, 'b'],
    [3, 'c'],
  ]);

  await app.evaluate(() => window.syncClient.discardPending(2));
  expect((await restFetch(app, 'GET', '/api/todos/b')).status).toBe(404);
  expect((await app.evaluate(() => window.syncClient.outbox())).map((entry) => entry.recordId)).toEqual(['a', 'c']);
  // The skip that tells the server about the undo waits too, but is no change of the user's.
  expect((await app.evaluate(() => window.syncClient.status())).pending).toBe(2);

  faults.heal('/sync/push');
  expect((await app.evaluate(() => window.syncClient.syncNow())).pending).toBe(0);
  expect((await restFetch(app, 'POST', '/api/todos', { id: 'd', title: 'after the discard' })).status).toBe(201);
  await expect.poll(() => server.records('todos').then((rows) => rows.map((row) => row.id))).toEqual(['a', 'c', 'd']);
  // The discarded seq was sent as a skip: counted as processed, nothing applied, no dead letter.
  expect(await server.appliedMutationCount()).toBe(4);
  expect(await readStore(app, 'deadLetters')).toHaveLength(0);
  const [client] = await server.query<{ last_applied_seq: number }>('SELECT last_applied_seq FROM syncworker_clients');
  expect(Number(client?.last_applied_seq)).toBe(4);
});
