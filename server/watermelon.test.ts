import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Mutation } from '../protocol/index.ts';
import { startTestServer, TEST_BACKENDS, type TestDatabase, type TestServer } from './test-backends.ts';
import { signHs256, validClaims } from './test-tokens.ts';

const SECRET = 'watermelon-protocol-test-secret';

const mutation = (seq: number, fields: Partial<Mutation>): Mutation => ({
  seq,
  id: `m${seq}`,
  collection: 'todos',
  op: 'create',
  recordId: `s${seq}`,
  data: { title: `from syncworker ${seq}` },
  baseVersion: null,
  at: 1,
  ...fields,
});

describe.each(TEST_BACKENDS)('WatermelonDB protocol on $name', (backend) => {
  let database: TestDatabase;
  let api: TestServer;
  let users = 0;
  let headers: Record<string, string> = {};

  beforeAll(async () => {
    database = await backend.create();
    api = await startTestServer(database.location, {
      auth: { mode: 'jwt', secret: SECRET },
      collections: {
        todos: {
          schema: {
            type: 'object',
            properties: { title: { type: 'string' }, done: { type: 'boolean' } },
            additionalProperties: false,
          },
        },
        notes: {},
        projects: {},
      },
    });
  });
  afterAll(async () => {
    await api.close();
    await database.drop();
  });
  beforeEach(() => {
    users += 1;
    headers = { Authorization: `Bearer ${signHs256(validClaims(`user-${users}`), SECRET)}` };
  });

  const get = (query: string) => api.request('GET', `/sync/watermelon?${query}`, undefined, headers);
  const pull = async (lastPulledAt: number | null, clientId = 'w') =>
    (await get(`last_pulled_at=${lastPulledAt}&schema_version=1&migration=null&client_id=${clientId}`)).body;
  const push = (lastPulledAt: number | null, changes: object, clientId = 'w') =>
    api.request('POST', `/sync/watermelon?last_pulled_at=${lastPulledAt}&client_id=${clientId}`, changes, headers);
  const pushNative = (clientId: string, mutations: Mutation[]) =>
    api.request('POST', '/sync/push', { clientId: `${clientId}-${users}`, mutations }, headers);
  const table = (changes: object) => ({ created: [], updated: [], deleted: [], ...changes });

  it('answers a new user a non-zero timestamp, and shares data with syncworker clients both ways', async () => {
    const first = await pull(null);
    expect(first).toEqual({ changes: {}, timestamp: 1 });

    const pushed = await push(first.timestamp, {
      todos: table({ created: [{ id: 'w1', title: 'from watermelon', _status: 'created', _changed: '' }] }),
    });
    expect([pushed.status, pushed.body]).toEqual([200, {}]);
    const syncworkerPull = await api.request('POST', '/sync/pull', { cursor: null }, headers);
    expect(syncworkerPull.body.changes.todos.upserted).toEqual([{ id: 'w1', title: 'from watermelon', _version: 1 }]);

    // Its own new record comes back as updated: as created, WatermelonDB would undo a local deletion of it.
    const afterOwnPush = await pull(first.timestamp);
    expect(afterOwnPush.changes.todos).toEqual(table({ updated: [{ id: 'w1', title: 'from watermelon' }] }));
    // Another WatermelonDB client that names itself gets it as created.
    expect((await pull(first.timestamp, 'other')).changes.todos).toEqual(
      table({ created: [{ id: 'w1', title: 'from watermelon' }] }),
    );
    const checkpoint = afterOwnPush.timestamp;

    await pushNative('c1', [
      mutation(1, { op: 'update', recordId: 'w1', data: { done: true }, baseVersion: 1 }),
      mutation(2, {}),
      mutation(3, {}),
      mutation(4, { op: 'delete', recordId: 's3', data: undefined as never }),
    ]);
    const delta = await pull(checkpoint);
    expect(delta.changes.todos).toEqual({
      created: [{ id: 's2', title: 'from syncworker 2' }],
      updated: [{ id: 'w1', title: 'from watermelon', done: true }],
      deleted: ['s3'],
    });

    await push(delta.timestamp, { todos: table({ deleted: ['s2'] }) });
    expect((await pull(delta.timestamp)).changes.todos).toEqual(table({ deleted: ['s2'] }));
  });

  it('refuses a push touching a record changed after lastPulledAt, applying none of it and naming the server state', async () => {
    const { timestamp } = await pull(null);
    await pushNative('c2', [mutation(1, { recordId: 'contested', data: { title: 'server' } })]);
    const answer = await push(timestamp, {
      todos: table({
        created: [{ id: 'innocent', title: 'would be new' }],
        updated: [{ id: 'contested', title: 'stale client' }],
      }),
    });
    expect(answer.status).toBe(409);
    expect(answer.body.error).toMatchObject({
      code: 'conflict',
      conflicts: [
        { collection: 'todos', recordId: 'contested', record: { id: 'contested', title: 'server', _version: 1 } },
      ],
    });
    expect((await pull(null)).changes.todos).toEqual(table({ created: [{ id: 'contested', title: 'server' }] }));
  });

  it('ignores deletions of deleted or unknown records, and creates a record updated before it existed', async () => {
    const { timestamp } = await pull(null);
    await pushNative('c3', [mutation(1, { recordId: 'gone' }), mutation(2, { op: 'delete', recordId: 'gone' })]);
    const answer = await push(timestamp, {
      todos: table({ updated: [{ id: 'never-seen', title: 'updated first' }], deleted: ['gone', 'unknown'] }),
    });
    expect(answer.status).toBe(200);
    expect((await pull(null)).changes.todos).toEqual(
      table({ created: [{ id: 'never-seen', title: 'updated first' }] }),
    );
  });

  it('refuses an update of a record deleted on the server, and announces the deletion again if it was pulled already', async () => {
    await pushNative('c4', [mutation(1, { recordId: 'r' }), mutation(2, { op: 'delete', recordId: 'r' })]);
    // A client that pulled the deletion yet still pushes an update of the record (a client bug).
    const { timestamp } = await pull(null);
    const answer = await push(timestamp, { todos: table({ updated: [{ id: 'r', title: 'edited' }] }) });
    expect(answer.status).toBe(409);
    expect(answer.body.error).toMatchObject({
      code: 'conflict',
      conflicts: [{ collection: 'todos', recordId: 'r', record: null }],
    });
    expect((await pull(timestamp)).changes.todos).toEqual(table({ deleted: ['r'] }));
  });

  it('accepts pushChanges as WatermelonDB documents it, without a Content-Type', async () => {
    const { timestamp } = await pull(null);
    const response = await fetch(`${api.url}/sync/watermelon?last_pulled_at=${timestamp}`, {
      method: 'POST',
      body: JSON.stringify({ todos: table({ created: [{ id: 'plain', title: 'text/plain' }] }) }),
      headers,
    });
    expect(response.status).toBe(200);
    expect((await pull(null)).changes.todos.created).toEqual([{ id: 'plain', title: 'text/plain' }]);
  });

  it('refuses ids WatermelonDB forbids, and never hands out records whose ids or fields it cannot take', async () => {
    const { timestamp } = await pull(null);
    for (const id of ['a/b', 'quote"', "it's", 'back\\slash', 'dollar$', '', 'x'.repeat(201)]) {
      const answer = await push(timestamp, { todos: table({ created: [{ id, title: 'bad id' }] }) });
      expect([answer.status, answer.body.error.code]).toEqual([400, 'invalid_id']);
      const deletion = await push(timestamp, { todos: table({ deleted: [id] }) });
      expect([deletion.status, deletion.body.error.code]).toEqual([400, 'invalid_id']);
    }
    await pushNative('c5', [
      mutation(1, { collection: 'notes', recordId: 'user@example.com', data: { body: 'an id with @' } }),
      mutation(2, { collection: 'notes', recordId: 'ok-id_1.2', data: { body: 'fine', 'two words': 1, ROWID: 2 } }),
    ]);
    expect((await pull(null)).changes).toEqual({ notes: table({ created: [{ id: 'ok-id_1.2', body: 'fine' }] }) });
  });

  it('keeps what a collection’s schema knows, drops the rest, and refuses unknown collections', async () => {
    const { timestamp } = await pull(null);
    const answer = await push(timestamp, {
      todos: table({ created: [{ id: 't1', title: 'known', done: false, created_at: 5, local_flag: true }] }),
    });
    expect(answer.status).toBe(200);
    expect((await pull(null)).changes.todos.created).toEqual([{ id: 't1', title: 'known', done: false }]);
    const typed = await push(timestamp, { todos: table({ updated: [{ id: 't1', title: 7 }] }) });
    expect([typed.status, typed.body.error]).toEqual([
      422,
      { code: 'invalid_record', message: 'todos.title must be a string', field: 'title', reason: 'type' },
    ]);
    const unknown = await push(timestamp, { tags: table({ created: [{ id: 'x' }] }) });
    expect([unknown.status, unknown.body.error.code]).toEqual([400, 'unknown_collection']);
  });

  it('answers a last_pulled_at it never issued with a full resync, and refuses a push with it', async () => {
    await pushNative('c6', [mutation(1, { recordId: 'kept' }), mutation(2, { recordId: 'gone' })]);
    await pushNative('c6', [mutation(3, { op: 'delete', recordId: 'gone' })]);
    const latest = (await pull(null)).timestamp;
    // Another backend's millisecond timestamp, or a database restored from an older backup.
    const resync = await pull(1_732_200_000_000);
    expect(resync).toEqual({
      changes: { todos: table({ updated: [{ id: 'kept', title: 'from syncworker 1' }], deleted: ['gone'] }) },
      timestamp: latest,
    });
    const refused = await push(latest + 1, { todos: table({ created: [{ id: 'late', title: 'x' }] }) });
    expect([refused.status, refused.body.error.code]).toEqual([409, 'unknown_timestamp']);
    const missing = await push(null, { todos: table({ created: [{ id: 'late', title: 'x' }] }) });
    expect([missing.status, missing.body.error.code]).toEqual([400, 'invalid_query']);
  });

  it('answers a migration sync with what an added table or column needs, only for known collections', async () => {
    await pushNative('c7', [
      mutation(1, { collection: 'projects', recordId: 'p1', data: { name: 'home' } }),
      mutation(2, { collection: 'notes', recordId: 'n1', data: { body: 'x', pinned: true } }),
      mutation(3, { collection: 'notes', recordId: 'n2', data: { body: 'y', pinned: false } }),
      mutation(4, { collection: 'notes', recordId: 'n3', data: { body: 'z' } }),
    ]);
    const { timestamp } = await pull(null);
    const migration = encodeURIComponent(
      JSON.stringify({
        from: 1,
        tables: ['projects', 'secrets'],
        columns: [
          { table: 'notes', columns: ['pinned', 'bad name'] },
          { table: 'secrets', columns: ['x'] },
        ],
      }),
    );
    const answer = await get(`last_pulled_at=${timestamp}&schema_version=2&migration=${migration}`);
    expect(answer.body).toEqual({
      changes: {
        projects: table({ created: [{ id: 'p1', name: 'home' }] }),
        notes: table({ updated: [{ id: 'n1', body: 'x', pinned: true }] }),
      },
      timestamp,
    });
    const malformed = await get(`last_pulled_at=${timestamp}&schema_version=2&migration=%7B%22from%22%3A1%7D`);
    expect([malformed.status, malformed.body.error.code]).toEqual([400, 'invalid_query']);
  });

  it('refuses a malformed push whole', async () => {
    const { timestamp } = await pull(null);
    const answer = await push(timestamp, {
      todos: table({ created: [{ id: 'ok', title: 'fine' }, { title: 'no id' }] }),
    });
    expect([answer.status, answer.body.error.code]).toEqual([400, 'invalid_id']);
    expect((await pull(timestamp)).changes).toEqual({});
    expect((await get('last_pulled_at=yesterday')).body.error.code).toBe('invalid_query');
    expect((await get('last_pulled_at=1&client_id=a%20b')).body.error.code).toBe('invalid_query');
  });
});
