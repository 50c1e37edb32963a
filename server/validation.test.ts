import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mutation } from '../protocol/index.ts';
import { type CollectionSchemas, Collections } from './collections.ts';
import type { LogEntry } from './logger.ts';
import { startTestServer, TEST_BACKENDS, type TestDatabase, type TestServer } from './test-backends.ts';

const schema = {
  todos: {
    schema: {
      type: 'object',
      properties: {
        title: { type: 'string', maxLength: 200 },
        done: { type: 'boolean' },
        rank: { type: 'integer' },
        status: { enum: ['open', 'closed'] },
        priority: { type: 'integer', minimum: 1, maximum: 3 },
        author: { type: 'object', properties: { name: { type: 'string', minLength: 1 } }, required: ['name'] },
      },
      required: ['title'],
      additionalProperties: false,
    },
    conflict: 'lww',
  },
} as const satisfies CollectionSchemas;

const create = (seq: number, data: Record<string, unknown>, fields: Partial<Mutation> = {}): Mutation => ({
  seq,
  id: `m${seq}`,
  collection: 'todos',
  op: 'create',
  recordId: `r${seq}`,
  data,
  baseVersion: null,
  at: Date.now(),
  ...fields,
});

describe('the collections file', () => {
  it('refuses the old field format with a message that shows the new one', () => {
    const old = { todos: { fields: { title: { type: 'string', required: true } } } } as unknown as CollectionSchemas;
    expect(() => new Collections(old)).toThrow(/"fields" and "additionalFields" are the old format.*"schema"/);
  });

  it('refuses a schema keyword it cannot check, rather than checking nothing', () => {
    const schemas = { todos: { schema: { type: 'object', properties: { email: { format: 'email' } } } } };
    expect(() => new Collections(schemas as CollectionSchemas)).toThrow(
      'todos.schema.properties.email has "format", which is not supported',
    );
  });
});

describe.each(TEST_BACKENDS)('input validation on $name', (backend) => {
  let database: TestDatabase;
  let api: TestServer;
  const count = async (table: string) =>
    Number((await api.server.storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]?.n);

  beforeAll(async () => {
    database = await backend.create();
    api = await startTestServer(database.location, {
      collections: schema,
      maxBodyBytes: 8192,
      maxMutationsPerPush: 5,
      maxRecordBytes: 1000,
    });
  });
  afterAll(async () => {
    await api.close();
    await database.drop();
  });

  it('refuses malformed requests whole, applying nothing', async () => {
    const valid = create(1, { title: 'ok' });
    const cases: [string, unknown, Record<string, string>, number, string][] = [
      ['invalid JSON', '{"clientId": "c1", "mutations": [', {}, 400, 'invalid_json'],
      [
        'wrong content type',
        JSON.stringify({ clientId: 'c1', mutations: [valid] }),
        { 'Content-Type': 'text/plain' },
        415,
        'unsupported_media_type',
      ],
      [
        'body over the limit',
        { clientId: 'c1', mutations: [create(1, { title: 'x'.repeat(9000) })] },
        {},
        413,
        'payload_too_large',
      ],
      [
        'too many mutations',
        { clientId: 'c1', mutations: [1, 2, 3, 4, 5, 6].map((seq) => create(seq, { title: 't' })) },
        {},
        400,
        'too_many_mutations',
      ],
      [
        'seq not consecutive',
        { clientId: 'c1', mutations: [valid, create(3, { title: 't' })] },
        {},
        400,
        'invalid_body',
      ],
      ['bad client id', { clientId: 'no spaces!', mutations: [valid] }, {}, 400, 'invalid_body'],
      ['mutations not an array', { clientId: 'c1', mutations: {} }, {}, 400, 'invalid_body'],
      ['body not an object', [valid], {}, 400, 'invalid_body'],
    ];
    for (const [name, body, headers, status, code] of cases) {
      const answer = await api.request('POST', '/sync/push', body, headers);
      expect({ name, status: answer.status, code: answer.body.error.code }).toEqual({ name, status, code });
    }
    expect(await count('syncworker_records')).toBe(0);
    expect(await count('syncworker_mutations')).toBe(0);
  });

  it('rejects each invalid mutation with its code, still processing the rest', async () => {
    const mutations = [
      create(1, { title: 'kept', _version: 99, _owner: 'eve', id: 'spoofed' }),
      create(2, { title: 'x' }, { collection: 'lists' }),
      create(3, { title: 'x', colour: 'red' }),
      create(4, { title: 42 }),
      create(5, { done: true }),
    ];
    const first = await api.request('POST', '/sync/push', { clientId: 'c1', mutations });
    const more = [
      create(6, JSON.parse('{"title": "x", "__proto__": {"polluted": true}}')),
      create(7, { title: 'x' }, { recordId: '' }),
      create(8, { title: 'x'.repeat(2000) }),
      create(9, { title: 'x', rank: 1.5 }),
    ];
    const second = await api.request('POST', '/sync/push', { clientId: 'c1', mutations: more });
    const outcomes = [...first.body.results, ...second.body.results].map(
      (r: { status: string; error?: { code: string } }) => (r.error ? r.error.code : r.status),
    );
    expect(outcomes).toEqual([
      'applied',
      'unknown_collection',
      'invalid_record',
      'invalid_record',
      'invalid_record',
      'invalid_record',
      'invalid_id',
      'record_too_large',
      'invalid_record',
    ]);
    expect(second.body.lastAppliedSeq).toBe(9);
    expect(first.body.results[0].record).toEqual({ id: 'r1', title: 'kept', _version: 1 });
    const rows = await api.server.storage.query<{ id: string; data: object; owner: string }>(
      'SELECT id, data, owner FROM syncworker_records',
    );
    expect(rows).toEqual([{ id: 'r1', data: { title: 'kept' }, owner: 'anonymous' }]);
  });

  it('rejects a record that fails its schema with the field and the reason, also when asked again', async () => {
    const update = (seq: number, recordId: string, data: Record<string, unknown>, replace = false): Mutation => ({
      ...create(seq, data, { op: 'update', recordId, baseVersion: 1 }),
      ...(replace ? { replace } : {}),
    });
    // Record ids of their own: the test before this one stored r1.
    const mutations = [
      create(1, { title: 'ok', status: 'open', priority: 2, author: { name: 'Ann' } }, { recordId: 's1' }),
      create(2, { title: 'x', status: 'gone' }),
      create(3, { title: 'x', priority: 9 }),
      create(4, { title: 'x', author: { name: '' } }),
      // An update carries the changed fields only: it is checked without `required`.
      update(5, 's1', { done: true }),
      update(6, 's1', { title: null }),
      // A replacing update carries the whole record: `required` holds.
      update(7, 's1', { done: false }, true),
    ];
    // This server takes at most 5 mutations per push.
    const pushAll = async () => {
      const results = [];
      for (const part of [mutations.slice(0, 4), mutations.slice(4)]) {
        const answer = await api.request('POST', '/sync/push', { clientId: 'schema-client', mutations: part });
        results.push(...answer.body.results);
      }
      return results.map((result: { status: string; error?: object }) => result.error ?? result.status);
    };
    const expected = [
      'applied',
      {
        code: 'invalid_record',
        field: 'status',
        reason: 'enum',
        message: 'todos.status must be one of "open", "closed"',
      },
      { code: 'invalid_record', field: 'priority', reason: 'maximum', message: 'todos.priority must be at most 3' },
      { code: 'invalid_record', field: 'author.name', reason: 'minLength', message: expect.any(String) },
      'applied',
      { code: 'invalid_record', field: 'title', reason: 'type', message: 'todos.title must be a string' },
      { code: 'invalid_record', field: 'title', reason: 'required', message: 'todos.title is required' },
    ];
    expect(await pushAll()).toEqual(expected);
    expect(await pushAll()).toEqual(expected.map((item) => (item === 'applied' ? 'duplicate' : item)));
    const stored = await api.server.storage.query<{ data: object }>(
      "SELECT data FROM syncworker_records WHERE id = 's1' AND owner = 'anonymous'",
    );
    expect(stored).toEqual([
      { data: { title: 'ok', status: 'open', priority: 2, author: { name: 'Ann' }, done: true } },
    ]);
  });

  it('validates pull requests', async () => {
    for (const body of [
      { cursor: 5 },
      { cursor: null, limit: 0 },
      { cursor: null, collections: ['Bad Name'] },
      { cursor: 'not-ours' },
    ]) {
      const answer = await api.request('POST', '/sync/pull', body);
      expect([answer.status, answer.body.error.code]).toEqual([400, 'invalid_body']);
    }
  });

  it('answers unknown endpoints and methods with codes', async () => {
    expect((await api.request('POST', '/sync/nothing', {})).body.error.code).toBe('not_found');
    expect((await api.request('GET', '/sync/push')).body.error.code).toBe('method_not_allowed');
  });

  it('counts a body cut off by a leaving client as a client problem, not a server failure', async () => {
    const entries: LogEntry[] = [];
    const logged = await startTestServer(database.location, { logger: (entry) => entries.push(entry) });
    try {
      const socket = connect(Number(new URL(logged.url).port), '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write(
        'POST /sync/push HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"cl',
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      socket.destroy();
      for (let tries = 0; tries < 50 && !entries.some((entry) => entry.msg === 'request'); tries++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(entries.filter((entry) => entry.level === 'error')).toEqual([]);
      expect(entries.find((entry) => entry.msg === 'request')?.status).toBe(400);
    } finally {
      await logged.close();
    }
  });
});
