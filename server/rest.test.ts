import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS_USER } from './auth.ts';
import { parseServeArgs } from './cli-options.ts';
import { createServer } from './create-server.ts';
import { restClientId } from './rest-writes.ts';
import { POKE_CHANNEL } from './storage.ts';
import { startTestServer, TEST_BACKENDS, type TestDatabase, type TestServer } from './test-backends.ts';
import { signHs256, validClaims } from './test-tokens.ts';

const SECRET = 'rest-test-secret';
const bearer = (user: string) => ({ Authorization: `Bearer ${signHs256(validClaims(user), SECRET)}` });

// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the server answered.
type Answer = { status: number; body: any; headers: Headers };

/** Sends a REST request; a string body goes as is, anything else as JSON. */
async function rest(
  api: TestServer,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const init: RequestInit = { method, headers: { 'Content-Type': 'application/json', ...headers } };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fetch(api.url + path, init);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}

describe.each(TEST_BACKENDS)('REST routes on $name', (backend) => {
  let database: TestDatabase;
  let api: TestServer;
  const count = async (table: string, where = 'true') =>
    Number(
      (await api.server.storage.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`))[0]?.n,
    );

  beforeAll(async () => {
    database = await backend.create();
    api = await startTestServer(database.location, {
      collections: {
        todos: {
          schema: {
            type: 'object',
            properties: { title: { type: 'string' }, done: { type: 'boolean' }, n: { type: 'number' } },
            required: ['title'],
            additionalProperties: false,
          },
        },
        notes: { conflict: 'server-wins' },
      },
    });
  });
  afterAll(async () => {
    await api.close();
    await database.drop();
  });
  afterEach(async () => {
    for (const table of [
      'syncworker_records',
      'syncworker_mutations',
      'syncworker_clients',
      'syncworker_rest_receipts',
    ])
      await api.server.storage.query(`DELETE FROM ${table}`);
  });

  it('creates, reads, patches, replaces and deletes like the worker', async () => {
    const created = await rest(api, 'POST', '/api/todos', { title: 'milk', done: false });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ title: 'milk', done: false, _version: 1 });
    const { id } = created.body;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    expect((await rest(api, 'GET', `/api/todos/${id}`)).body).toEqual({ id, title: 'milk', done: false, _version: 1 });
    const patched = await rest(api, 'PATCH', `/api/todos/${id}`, { done: true });
    expect(patched).toMatchObject({ status: 200, body: { id, title: 'milk', done: true, _version: 2 } });
    const replaced = await rest(api, 'PUT', `/api/todos/${id}`, { title: 'oat milk' });
    expect(replaced).toMatchObject({ status: 200, body: { id, title: 'oat milk', _version: 3 } });
    expect(replaced.body.done).toBeUndefined();

    const deleted = await rest(api, 'DELETE', `/api/todos/${id}`);
    expect(deleted.status).toBe(204);
    expect((await rest(api, 'GET', `/api/todos/${id}`)).body.error.code).toBe('not_found');
    expect((await rest(api, 'GET', '/api/todos')).body).toEqual([]);
    // Each write is one mutation of the user's REST client, in its ledger like any push.
    expect(await count('syncworker_mutations', `client_id = '${restClientId(ANONYMOUS_USER)}'`)).toBe(4);
  });

  it('answers the worker’s codes for writes that cannot apply, and changes nothing', async () => {
    await rest(api, 'POST', '/api/todos', { id: 'a', title: 'first' });
    const cases: [string, string, unknown, number, string][] = [
      ['POST', '/api/todos', { id: 'a', title: 'again' }, 409, 'already_exists'],
      ['PATCH', '/api/todos/missing', { done: true }, 404, 'not_found'],
      ['PUT', '/api/todos/missing', { title: 'x' }, 404, 'not_found'],
      ['DELETE', '/api/todos/missing', undefined, 404, 'not_found'],
      ['PUT', '/api/todos/a', { id: 'b', title: 'x' }, 400, 'invalid_id'],
      ['POST', '/api/todos', '{"title": ', 400, 'invalid_json'],
      ['POST', '/api/todos', [{ title: 'x' }], 400, 'invalid_body'],
      ['POST', '/api/todos', { id: 7, title: 'x' }, 400, 'invalid_id'],
      ['POST', '/api/todos', { done: true }, 422, 'invalid_record'],
      ['POST', '/api/todos', { title: 'x', colour: 'red' }, 422, 'invalid_record'],
      ['PATCH', '/api/todos/a', { done: 'yes' }, 422, 'invalid_record'],
      ['POST', '/api/todos', '{"title": "nul \\u0000"}', 400, 'invalid_text'],
      ['POST', '/api/todos', '{"title": "x", "n": 1e400}', 400, 'invalid_number'],
      ['POST', '/api/notes', `{"deep": ${'['.repeat(100)}${']'.repeat(100)}}`, 400, 'record_too_deep'],
      ['POST', '/api/todos', { title: 'x'.repeat(2 * 1024 * 1024) }, 413, 'payload_too_large'],
      ['POST', '/api/todos/a', { title: 'x' }, 405, 'method_not_allowed'],
      ['DELETE', '/api/todos', undefined, 405, 'method_not_allowed'],
      ['GET', '/api/todos?_bogus=1', undefined, 400, 'invalid_query'],
      ['GET', '/api/todos?title_like=(', undefined, 400, 'invalid_query'],
      ['GET', '/api/todos/%E0%A4%A', undefined, 400, 'invalid_url'],
      // No record has an id the database cannot store: a read finds none, a write is refused.
      ['GET', '/api/todos/a%00b', undefined, 404, 'not_found'],
      ['GET', `/api/todos/${'x'.repeat(201)}`, undefined, 404, 'not_found'],
      ['PUT', '/api/todos/a%00b', { title: 'x' }, 400, 'invalid_id'],
      ['PATCH', '/api/todos/a%00b', { done: true }, 400, 'invalid_id'],
      ['DELETE', '/api/todos/a%00b', undefined, 400, 'invalid_id'],
      ['POST', '/api/todos', { id: 'a\u0000b', title: 'x' }, 400, 'invalid_id'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const answer = await rest(api, method, path, body);
      expect({ method, path, status: answer.status, code: answer.body?.error?.code }).toEqual({
        method,
        path,
        status,
        code,
      });
    }
    expect(await count('syncworker_records')).toBe(1);
    expect(await count('syncworker_mutations')).toBe(1);
  });

  it('lists with json-server parameters and X-Total-Count', async () => {
    for (let n = 1; n <= 12; n++)
      await rest(api, 'POST', '/api/todos', { id: `t${n}`, title: `todo ${n}`, n, done: n % 3 === 0 });
    const ids = (answer: Answer) => answer.body.map((todo: { id: string }) => todo.id);

    const sorted = await rest(api, 'GET', '/api/todos?_sort=-n&_limit=3');
    expect(ids(sorted)).toEqual(['t12', 't11', 't10']);
    expect(sorted.headers.get('x-total-count')).toBe('12');

    const page = await rest(api, 'GET', '/api/todos?_sort=n&_page=2&_per_page=5');
    expect(ids(page)).toEqual(['t6', 't7', 't8', 't9', 't10']);
    expect(page.headers.get('link')).toBe(
      '</api/todos?_sort=n&_page=1&_per_page=5>; rel="first", </api/todos?_sort=n&_page=1&_per_page=5>; rel="prev", ' +
        '</api/todos?_sort=n&_page=3&_per_page=5>; rel="next", </api/todos?_sort=n&_page=3&_per_page=5>; rel="last"',
    );
    expect(ids(await rest(api, 'GET', '/api/todos?_sort=n&_start=2&_end=4'))).toEqual(['t3', 't4']);
    const filtered = await rest(api, 'GET', '/api/todos?done=true&n_gte=6&n_ne=9&_sort=n');
    expect(ids(filtered)).toEqual(['t6', 't12']);
    expect(filtered.headers.get('x-total-count')).toBe('2');
    expect(ids(await rest(api, 'GET', '/api/todos?title_like=^todo 1[01]$&_sort=n'))).toEqual(['t10', 't11']);
    expect(ids(await rest(api, 'GET', '/api/todos?q=DO 12'))).toEqual(['t12']);
  });

  it('answers a repeated Idempotency-Key with the first answer, and refuses it on another request', async () => {
    const key = { 'Idempotency-Key': 'k-1' };
    const [first, ...repeats] = await Promise.all(
      [1, 2, 3].map(() => rest(api, 'POST', '/api/todos', { id: 'once', title: 'once' }, key)),
    );
    const answers = [first, ...repeats] as Answer[];
    expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201]);
    expect(answers.filter((answer) => answer.headers.get('idempotent-replayed') === 'true')).toHaveLength(2);
    for (const answer of answers) expect(answer.body).toEqual({ id: 'once', title: 'once', _version: 1 });
    expect(await count('syncworker_mutations')).toBe(1);

    const deleteKey = { 'Idempotency-Key': 'k-2' };
    expect((await rest(api, 'DELETE', '/api/todos/once', undefined, deleteKey)).status).toBe(204);
    const replayedDelete = await rest(api, 'DELETE', '/api/todos/once', undefined, deleteKey);
    expect(replayedDelete.status).toBe(204);
    expect(replayedDelete.headers.get('idempotent-replayed')).toBe('true');

    const reused = await rest(api, 'POST', '/api/todos', { title: 'other' }, key);
    expect(reused).toMatchObject({ status: 422, body: { error: { code: 'idempotency_key_reused' } } });
    const empty = await rest(api, 'POST', '/api/todos', { title: 'x' }, { 'Idempotency-Key': 'x'.repeat(256) });
    expect(empty.body.error.code).toBe('invalid_header');
    expect(await count('syncworker_mutations')).toBe(2);
  });

  it('stops a list whose _like pattern backtracks without end, and goes on serving', async () => {
    await rest(api, 'POST', '/api/todos', { id: 'bait', title: `${'a'.repeat(40)}!` });
    // Unstopped, this pattern would take days on that title (it doubles with each "a").
    const [stuck, health] = await Promise.all([
      rest(api, 'GET', `/api/todos?title_like=${encodeURIComponent('(a+)+$')}`),
      new Promise((resolve) => setTimeout(resolve, 200)).then(() => fetch(`${api.url}/health`)),
    ]);
    expect([stuck.status, stuck.body.error.code]).toEqual([400, 'invalid_query']);
    expect(health.status).toBe(200);
    const fine = await rest(api, 'GET', `/api/todos?title_like=${encodeURIComponent('^a+!$')}`);
    expect(fine.body.map((todo: { id: string }) => todo.id)).toEqual(['bait']);
  });

  it('forgets an Idempotency-Key after a day, as the worker does', async () => {
    const key = (name: string) => ({ 'Idempotency-Key': name });
    expect((await rest(api, 'POST', '/api/todos', { id: 'old', title: 'old' }, key('old-key'))).status).toBe(201);
    expect((await rest(api, 'POST', '/api/todos', { id: 'recent', title: 'recent' }, key('recent-key'))).status).toBe(
      201,
    );
    await api.server.storage.query(
      `UPDATE syncworker_rest_receipts SET created_at = now() - interval '25 hours' WHERE key = 'old-key'`,
    );
    expect((await rest(api, 'POST', '/api/todos', { id: 'new', title: 'new' }, key('new-key'))).status).toBe(201);
    const keys = await api.server.storage.query<{ key: string }>(
      'SELECT key FROM syncworker_rest_receipts ORDER BY key',
    );
    expect(keys.map((row) => row.key)).toEqual(['new-key', 'recent-key']);
  });

  it('is seen by sync clients: pulled, conflicting by the collection’s strategy, and poked', async () => {
    const pokes: string[] = [];
    const unlisten = await api.server.storage.listen(POKE_CHANNEL, (payload) => pokes.push(payload));
    const created = await rest(api, 'POST', '/api/notes', { id: 'n1', text: 'from a page' });
    expect(created.status).toBe(201);
    for (let wait = 0; pokes.length === 0 && wait < 100; wait++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await unlisten();
    expect(pokes).toContain(ANONYMOUS_USER);

    const pulled = await api.request('POST', '/sync/pull', { clientId: 'c1', cursor: null });
    expect(pulled.body.changes.notes.upserted).toEqual([{ id: 'n1', text: 'from a page', _version: 1 }]);

    await rest(api, 'PATCH', '/api/notes/n1', { text: 'edited on the server' });
    const stale = await api.request('POST', '/sync/push', {
      clientId: 'c1',
      mutations: [
        {
          seq: 1,
          id: 'm1',
          collection: 'notes',
          op: 'update',
          recordId: 'n1',
          data: { text: 'stale' },
          baseVersion: 1,
          at: 1,
        },
      ],
    });
    expect(stale.body.results[0]).toMatchObject({ status: 'conflict', record: { text: 'edited on the server' } });
  });

  it('leaves paths that are not a known collection to the app', async () => {
    expect((await rest(api, 'GET', '/api/unknown')).body.error.message).toMatch(/Nothing at/);
    expect((await rest(api, 'GET', '/api/todos/a/b')).body.error.message).toMatch(/Nothing at/);
  });
});

describe.each(TEST_BACKENDS)('REST routes with authentication on $name', (backend) => {
  let database: TestDatabase;
  let api: TestServer;

  beforeAll(async () => {
    database = await backend.create();
    api = await startTestServer(database.location, { auth: { mode: 'jwt', secret: SECRET }, restPrefix: '/rest/v1/' });
  });
  afterAll(async () => {
    await api.close();
    await database.drop();
  });

  it('takes the same bearer tokens as /sync/*, keeps users apart and serves the configured prefix', async () => {
    expect((await rest(api, 'GET', '/rest/v1/todos')).body.error.code).toBe('token_missing');
    expect((await rest(api, 'GET', '/rest/v1/todos?access_token=x')).status).toBe(401);
    const created = await rest(api, 'POST', '/rest/v1/todos', { id: 'shared-id', title: 'ann’s' }, bearer('ann'));
    expect(created.status).toBe(201);
    expect((await rest(api, 'GET', '/rest/v1/todos', undefined, bearer('bo'))).body).toEqual([]);
    expect((await rest(api, 'GET', '/rest/v1/todos/shared-id', undefined, bearer('bo'))).status).toBe(404);
    // The same id is bo's own record, and the same Idempotency-Key is bo's own key.
    const key = { 'Idempotency-Key': 'same' };
    expect((await rest(api, 'POST', '/rest/v1/todos', { id: 'shared-id' }, { ...bearer('ann'), ...key })).status).toBe(
      409,
    );
    expect((await rest(api, 'POST', '/rest/v1/todos', { id: 'shared-id' }, { ...bearer('bo'), ...key })).status).toBe(
      201,
    );
    expect((await rest(api, 'GET', '/api/todos', undefined, bearer('ann'))).status).toBe(404);
  });
});

describe('the REST prefix option', () => {
  it('is taken from --rest-prefix, "none" turning the routes off, and refused unless it starts and ends with /', async () => {
    expect((await parseServeArgs(['serve', '--rest-prefix', '/v1/']))?.options.restPrefix).toBe('/v1/');
    expect((await parseServeArgs(['serve', '--rest-prefix', 'none']))?.options.restPrefix).toBeNull();
    expect((await parseServeArgs(['serve']))?.options.restPrefix).toBeUndefined();
    for (const restPrefix of ['/api', 'api/', '']) {
      await expect(createServer({ db: 'memory', restPrefix })).rejects.toThrow(/restPrefix must start and end with/);
    }
    const api = await startTestServer('memory', { restPrefix: null });
    try {
      expect((await rest(api, 'POST', '/api/todos', { title: 'x' })).body.error.message).toMatch(/Nothing at/);
    } finally {
      await api.close();
    }
  });
});
