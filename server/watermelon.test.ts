import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_BACKENDS, type TestDatabase, type TestServer } from './test-backends.ts';

describe.each(TEST_BACKENDS)('WatermelonDB protocol on $name', (backend) => {
  let database: TestDatabase;
  let api: TestServer;

  beforeAll(async () => {
    database = await backend.create();
    api = await startTestServer(database.location);
  });
  afterAll(async () => {
    await api.close();
    await database.drop();
  });

  const pull = async (lastPulledAt: number | null) =>
    (await api.request('GET', `/sync/watermelon?last_pulled_at=${lastPulledAt}&schema_version=1`)).body;
  const push = (lastPulledAt: number, changes: object) =>
    api.request('POST', `/sync/watermelon?last_pulled_at=${lastPulledAt}`, changes);

  it('shares data with syncworker clients in both directions, classifying created, updated and deleted', async () => {
    const first = await pull(null);
    expect(first.changes).toEqual({});

    const pushed = await push(first.timestamp, {
      todos: {
        created: [{ id: 'w1', title: 'from watermelon', _status: 'created', _changed: '' }],
        updated: [],
        deleted: [],
      },
    });
    expect(pushed.status).toBe(200);
    const syncworkerPull = await api.request('POST', '/sync/pull', { cursor: null });
    expect(syncworkerPull.body.changes.todos.upserted).toEqual([{ id: 'w1', title: 'from watermelon', _version: 1 }]);

    const afterOwnPush = await pull(first.timestamp);
    expect(afterOwnPush.changes.todos.created).toEqual([{ id: 'w1', title: 'from watermelon' }]);
    const checkpoint = afterOwnPush.timestamp;

    await api.request('POST', '/sync/push', {
      clientId: 'c1',
      mutations: [
        {
          seq: 1,
          id: 'm1',
          collection: 'todos',
          op: 'update',
          recordId: 'w1',
          data: { done: true },
          baseVersion: 1,
          at: 1,
        },
        {
          seq: 2,
          id: 'm2',
          collection: 'todos',
          op: 'create',
          recordId: 's1',
          data: { title: 'from syncworker' },
          baseVersion: null,
          at: 1,
        },
        {
          seq: 3,
          id: 'm3',
          collection: 'todos',
          op: 'create',
          recordId: 's2',
          data: { title: 'short-lived' },
          baseVersion: null,
          at: 1,
        },
        { seq: 4, id: 'm4', collection: 'todos', op: 'delete', recordId: 's2', baseVersion: null, at: 1 },
      ],
    });
    const delta = await pull(checkpoint);
    expect(delta.changes.todos).toEqual({
      created: [{ id: 's1', title: 'from syncworker' }],
      updated: [{ id: 'w1', title: 'from watermelon', done: true }],
      deleted: [],
    });

    await push(delta.timestamp, { todos: { created: [], updated: [], deleted: ['s1'] } });
    const afterDelete = await pull(delta.timestamp);
    expect(afterDelete.changes.todos).toEqual({ created: [], updated: [], deleted: ['s1'] });
  });

  it('aborts a push touching a record changed after lastPulledAt, applying none of it', async () => {
    const { timestamp } = await pull(null);
    await api.request('POST', '/sync/push', {
      clientId: 'c2',
      mutations: [
        {
          seq: 1,
          id: 'x',
          collection: 'todos',
          op: 'create',
          recordId: 'contested',
          data: { title: 'server' },
          baseVersion: null,
          at: 1,
        },
      ],
    });
    const answer = await push(timestamp, {
      todos: {
        created: [{ id: 'innocent', title: 'would be new' }],
        updated: [{ id: 'contested', title: 'stale client' }],
        deleted: [],
      },
    });
    expect([answer.status, answer.body.error.code]).toEqual([409, 'conflict']);
    const all = await pull(null);
    const titles = all.changes.todos.created.map(
      (record: { id: string; title: string }) => `${record.id}:${record.title}`,
    );
    expect(titles).toContain('contested:server');
    expect(titles.some((title: string) => title.startsWith('innocent'))).toBe(false);
  });

  it('refuses a malformed push whole', async () => {
    const { timestamp } = await pull(null);
    const answer = await push(timestamp, {
      todos: { created: [{ id: 'ok', title: 'fine' }, { title: 'no id' }], updated: [], deleted: [] },
    });
    expect([answer.status, answer.body.error.code]).toEqual([400, 'invalid_id']);
    expect((await pull(timestamp)).changes).toEqual({});
    expect((await api.request('GET', '/sync/watermelon?last_pulled_at=yesterday')).body.error.code).toBe(
      'invalid_query',
    );
  });
});
