import { demoCollections } from '../demo/schema.ts';
import type { PushResponse } from '../protocol/index.ts';
import { readStore, restFetch } from './fixtures/browser.ts';
import { expect, test } from './fixtures/test.ts';

// The demo worker checks todos against demo/schema.ts; the server gets the same schema.
test.use({ serverOptions: { collections: demoCollections } });

test('a write its schema refuses is answered 422 with the field at once, and nothing is stored or queued', async ({
  app,
  server,
}) => {
  // Down, so the outbox shows exactly what the worker queued.
  await server.stop();

  const refused = await restFetch(app, 'POST', '/api/todos', { id: 'bad', title: 42, done: false });
  expect([refused.status, refused.body]).toEqual([
    422,
    {
      error: { code: 'invalid_record', message: 'todos.title must be a string', field: 'title', reason: 'type' },
    },
  ]);
  const missing = await restFetch(app, 'POST', '/api/todos', { done: false });
  expect([missing.status, missing.body]).toMatchObject([422, { error: { field: 'title', reason: 'required' } }]);
  expect(await readStore(app, 'outbox')).toEqual([]);
  expect(await readStore(app, 'todos')).toEqual([]);

  const created = await restFetch(app, 'POST', '/api/todos', { id: 'good', title: 'milk', done: false });
  expect([created.status, created.body]).toEqual([201, { id: 'good', title: 'milk', done: false }]);

  // A patch is checked merged with the record: an empty title, or a done that is no boolean.
  const emptied = await restFetch(app, 'PATCH', '/api/todos/good', { title: '' });
  expect([emptied.status, emptied.body]).toMatchObject([422, { error: { field: 'title', reason: 'minLength' } }]);
  const notBoolean = await restFetch(app, 'PATCH', '/api/todos/good', { done: 'yes' });
  expect([notBoolean.status, notBoolean.body]).toMatchObject([422, { error: { field: 'done', reason: 'type' } }]);
  // A replacement is checked whole: it lacks the required title.
  const replaced = await restFetch(app, 'PUT', '/api/todos/good', { done: true });
  expect([replaced.status, replaced.body]).toMatchObject([422, { error: { field: 'title', reason: 'required' } }]);
  const patched = await restFetch(app, 'PATCH', '/api/todos/good', { done: true });
  expect([patched.status, patched.body]).toEqual([200, { id: 'good', title: 'milk', done: true }]);

  expect((await readStore<{ recordId: string; op: string }>(app, 'outbox')).map((e) => [e.op, e.recordId])).toEqual([
    ['create', 'good'],
    ['update', 'good'],
  ]);
  expect(await readStore(app, 'todos')).toEqual([{ id: 'good', title: 'milk', done: true }]);
  expect(await readStore(app, 'deadLetters')).toEqual([]);

  await server.restart();
  await app.evaluate(() => window.syncClient.syncNow());
  expect((await server.records('todos')).map((row) => [row.id, row.data])).toEqual([
    ['good', { title: 'milk', done: true }],
  ]);
  expect(await readStore(app, 'deadLetters')).toEqual([]);
});

test('the collection API throws a SyncError with field and reason, and a bulkPut with one bad record writes none', async ({
  app,
  server,
}) => {
  await server.stop();
  const failures = await app.evaluate(async () => {
    const todos = window.syncClient.collection<{ id: string; title: unknown }>('todos');
    const caught = (error: { name: string; code: string; field?: string; reason?: string }) => ({
      name: error.name,
      code: error.code,
      field: error.field,
      reason: error.reason,
    });
    return {
      put: await todos.put({ id: 'p1', title: 'x'.repeat(501) }).then(() => null, caught),
      bulkPut: await todos
        .bulkPut([
          { id: 'b1', title: 'fine' },
          { id: 'b2', title: '' },
          { id: 'b3', title: 'fine too' },
        ])
        .then(() => null, caught),
    };
  });
  expect(failures).toEqual({
    put: { name: 'SyncError', code: 'invalid_record', field: 'title', reason: 'maxLength' },
    bulkPut: { name: 'SyncError', code: 'invalid_record', field: 'title', reason: 'minLength' },
  });
  expect(await readStore(app, 'todos')).toEqual([]);
  expect(await readStore(app, 'outbox')).toEqual([]);
});

test('the server refuses with the same field and reason a push that skipped the worker', async ({ server }) => {
  const answer = await server.push({
    clientId: 'no-worker',
    mutations: [
      {
        seq: 1,
        id: 'm1',
        collection: 'todos',
        op: 'create',
        recordId: 'r1',
        data: { done: 1 },
        baseVersion: null,
        at: 1,
      },
    ],
  });
  expect((answer.body as PushResponse).results[0]?.error).toEqual({
    code: 'invalid_record',
    message: 'todos.title is required',
    field: 'title',
    reason: 'required',
  });
});
