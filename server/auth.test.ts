import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Mutation } from '../protocol/index.ts';
import { startTestServer, TEST_BACKENDS, type TestDatabase, type TestServer } from './test-backends.ts';
import { rsaKeys, signHs256, signRs256, validClaims } from './test-tokens.ts';

const SECRET = 'a-test-secret-of-reasonable-length';
const now = () => Math.floor(Date.now() / 1000);
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const token = (sub: string) => signHs256(validClaims(sub, { aud: 'todo-app', iss: 'https://auth.test' }), SECRET);

const mutation = (seq: number, fields: Partial<Mutation>): Mutation => ({
  seq,
  id: `m${seq}`,
  collection: 'todos',
  op: 'create',
  recordId: `r${seq}`,
  data: { title: `t${seq}` },
  baseVersion: null,
  at: Date.now(),
  ...fields,
});

describe.each(TEST_BACKENDS)('authentication and isolation on $name', (backend) => {
  let database: TestDatabase;
  let api: TestServer;

  beforeAll(async () => {
    database = await backend.create();
    api = await startTestServer(database.location, {
      auth: { mode: 'jwt', secret: SECRET, audience: 'todo-app', issuer: 'https://auth.test' },
    });
  });
  afterAll(async () => {
    await api.close();
    await database.drop();
  });

  it('answers 401 with a specific code for each kind of bad token', async () => {
    const claims = (extra: object) => validClaims('alice', { aud: 'todo-app', iss: 'https://auth.test', ...extra });
    const unsigned = (payload: object) =>
      `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.`;
    const cases: [string, Record<string, string>, string][] = [
      ['no token', {}, 'token_missing'],
      ['not a JWT', bearer('abc.def'), 'token_malformed'],
      ['alg none', bearer(unsigned(claims({}))), 'token_algorithm_not_allowed'],
      ['wrong secret', bearer(signHs256(claims({}), 'another-secret')), 'token_signature_invalid'],
      [
        'tampered payload',
        bearer(
          `${token('alice').split('.')[0]}.${Buffer.from('{"sub":"bob"}').toString('base64url')}.${token('alice').split('.')[2]}`,
        ),
        'token_signature_invalid',
      ],
      ['expired', bearer(signHs256(claims({ exp: now() - 120 }), SECRET)), 'token_expired'],
      ['not yet valid', bearer(signHs256(claims({ nbf: now() + 120 }), SECRET)), 'token_not_yet_valid'],
      ['other audience', bearer(signHs256(claims({ aud: 'other-app' }), SECRET)), 'token_audience_invalid'],
      ['other issuer', bearer(signHs256(claims({ iss: 'https://evil.test' }), SECRET)), 'token_issuer_invalid'],
      [
        'no exp',
        bearer(signHs256({ sub: 'alice', aud: 'todo-app', iss: 'https://auth.test' }, SECRET)),
        'token_malformed',
      ],
      ['no sub', bearer(signHs256(claims({ sub: undefined }), SECRET)), 'token_malformed'],
    ];
    for (const [name, headers, code] of cases) {
      const answer = await api.request('POST', '/sync/pull', { cursor: null }, headers);
      expect({ name, status: answer.status, code: answer.body.error.code }).toEqual({ name, status: 401, code });
    }
  });

  it('accepts a token within the clock tolerance', async () => {
    const slightlyExpired = signHs256(
      validClaims('alice', { aud: 'todo-app', iss: 'https://auth.test', exp: now() - 10 }),
      SECRET,
    );
    expect((await api.request('POST', '/sync/pull', { cursor: null }, bearer(slightlyExpired))).status).toBe(200);
  });

  it('refuses a validly signed token whose sub cannot name a user', async () => {
    const subs: unknown[] = ['a\u0000b', `a${'😀'.slice(0, 1)}`, 'u'.repeat(10_000), '', 42];
    for (const sub of subs) {
      const signed = signHs256(validClaims('x', { sub, aud: 'todo-app', iss: 'https://auth.test' }), SECRET);
      const answer = await api.request('POST', '/sync/pull', { cursor: null }, bearer(signed));
      expect([answer.status, answer.body.error.code]).toEqual([401, 'token_malformed']);
    }
    expect(await api.server.storage.query('SELECT * FROM syncworker_owners')).toEqual([]);
  });

  it('refuses a token altered after signing, or with a critical header it does not know', async () => {
    const valid = token('alice');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(valid.at(-1) ?? 'A');
    const cases: [string, string, string][] = [
      ['padding appended', `${valid}=`, 'token_malformed'],
      ['characters appended', `${valid}AAAA`, 'token_signature_invalid'],
      ['stray bits in the last character', `${valid.slice(0, -1)}${alphabet[last ^ 1]}`, 'token_malformed'],
      ['a fourth part', `${valid}.x`, 'token_malformed'],
      [
        'unknown crit header',
        signHs256(validClaims('alice', { aud: 'todo-app', iss: 'https://auth.test' }), SECRET, {
          crit: ['x-unknown'],
          'x-unknown': true,
        }),
        'token_malformed',
      ],
    ];
    for (const [name, altered, code] of cases) {
      const answer = await api.request('POST', '/sync/pull', { cursor: null }, bearer(altered));
      expect({ name, status: answer.status, code: answer.body.error.code }).toEqual({ name, status: 401, code });
    }
    expect((await api.request('POST', '/sync/pull', { cursor: null }, bearer(valid))).status).toBe(200);
  });

  it('reads a token from the URL on GET /sync/events only', async () => {
    const query = `?access_token=${token('alice')}`;
    const pull = await api.request('POST', `/sync/pull${query}`, { cursor: null });
    expect([pull.status, pull.body.error.code]).toEqual([401, 'token_missing']);
    const push = await api.request('POST', `/sync/push${query}`, { clientId: 'c-url', mutations: [] });
    expect([push.status, push.body.error.code]).toEqual([401, 'token_missing']);
    const watermelon = await api.request('GET', `/sync/watermelon${query}&last_pulled_at=null`);
    expect([watermelon.status, watermelon.body.error.code]).toEqual([401, 'token_missing']);
    const abort = new AbortController();
    const events = await fetch(`${api.url}/sync/events${query}`, { signal: abort.signal });
    expect(events.status).toBe(200);
    abort.abort();
  });

  it('keeps each user’s data to that user', async () => {
    const alice = bearer(token('alice'));
    const bob = bearer(token('bob'));
    const pushed = await api.request(
      'POST',
      '/sync/push',
      { clientId: 'alice-1', mutations: [1, 2, 3].map((seq) => mutation(seq, {})) },
      alice,
    );
    expect(pushed.body.results.map((r: { status: string }) => r.status)).toEqual(['applied', 'applied', 'applied']);

    const bobsPull = await api.request('POST', '/sync/pull', { cursor: null }, bob);
    expect(bobsPull.body.changes).toEqual({});

    // Ids belong to their user: bob's r1, r2 and r3 are bob's own, and alice's stay untouched.
    const attack = await api.request(
      'POST',
      '/sync/push',
      {
        clientId: 'bob-1',
        mutations: [
          mutation(1, { op: 'update', recordId: 'r1', data: { title: 'mine now' }, baseVersion: 1 }),
          mutation(2, { op: 'delete', recordId: 'r2' }),
          mutation(3, { op: 'create', recordId: 'r3', data: { title: 'bob’s own r3' } }),
        ],
      },
      bob,
    );
    expect(
      attack.body.results.map((r: { status: string; error?: { code: string }; record: unknown }) => [
        r.status,
        r.error?.code,
        r.record,
      ]),
    ).toEqual([
      ['rejected', 'not_found', null],
      ['applied', undefined, null],
      ['applied', undefined, { id: 'r3', title: 'bob’s own r3', _version: 1 }],
    ]);
    const alicesPull = await api.request('POST', '/sync/pull', { cursor: null }, alice);
    expect(
      alicesPull.body.changes.todos.upserted.map((r: { title: string; _version: number }) => [r.title, r._version]),
    ).toEqual([
      ['t1', 1],
      ['t2', 1],
      ['t3', 1],
    ]);
    const bobsSecondPull = await api.request('POST', '/sync/pull', { cursor: bobsPull.body.cursor }, bob);
    expect(bobsSecondPull.body.changes).toEqual({ todos: { upserted: [attack.body.results[2].record], deleted: [] } });

    const stolenClient = await api.request(
      'POST',
      '/sync/push',
      { clientId: 'alice-1', mutations: [mutation(4, {})] },
      bob,
    );
    expect([stolenClient.status, stolenClient.body.error.code]).toEqual([403, 'forbidden']);
  });
});

describe('JWKS (RS256)', () => {
  let api: TestServer;
  const { privateKey, jwks } = rsaKeys('key-1');

  beforeAll(async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'syncworker-jwks-')), 'jwks.json');
    await writeFile(file, JSON.stringify(jwks));
    api = await startTestServer('memory', { auth: { mode: 'jwt', jwks: file } });
  });
  afterAll(() => api.close());

  it('accepts tokens signed by a key of the set', async () => {
    const answer = await api.request(
      'POST',
      '/sync/pull',
      { cursor: null },
      bearer(signRs256(validClaims('carol'), privateKey, 'key-1')),
    );
    expect(answer.status).toBe(200);
  });

  it('refuses unknown keys and algorithm confusion', async () => {
    const other = rsaKeys('key-2');
    const unknownKey = await api.request(
      'POST',
      '/sync/pull',
      { cursor: null },
      bearer(signRs256(validClaims('carol'), other.privateKey, 'key-2')),
    );
    expect(unknownKey.body.error.code).toBe('token_signature_invalid');
    // HS256 "signed" with the public key as secret must not pass as RS256.
    const confused = signHs256(validClaims('carol'), JSON.stringify(jwks.keys[0]), { kid: 'key-1' });
    expect((await api.request('POST', '/sync/pull', { cursor: null }, bearer(confused))).body.error.code).toBe(
      'token_algorithm_not_allowed',
    );
  });
});

describe('JWKS from a URL', () => {
  const first = rsaKeys('key-1');
  const second = rsaKeys('key-2');
  let served: { keys: object[] } | 'hang' = first.jwks;
  let jwksServer: Server;
  let api: TestServer;

  beforeAll(async () => {
    jwksServer = createHttpServer((_request, response) => {
      if (served === 'hang') return;
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(served));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const { port } = jwksServer.address() as AddressInfo;
    api = await startTestServer('memory', { auth: { mode: 'jwt', jwks: `http://127.0.0.1:${port}/jwks.json` } });
  });
  afterAll(async () => {
    vi.useRealTimers();
    await api.close();
    jwksServer.closeAllConnections();
    await new Promise((resolve) => jwksServer.close(resolve));
  });

  it('drops a removed key within 30 s, picks up a new one, and answers 503 when the set cannot load', async () => {
    // Only Date is faked: the key set's age is measured with it, timeouts stay real.
    vi.useFakeTimers({ toFake: ['Date'] });
    const pull = async (keys: typeof first, kid: string) => {
      const answer = await api.request(
        'POST',
        '/sync/pull',
        { cursor: null },
        bearer(signRs256(validClaims('carol'), keys.privateKey, kid)),
      );
      return answer.status === 200 ? 'ok' : answer.body.error.code;
    };
    expect(await pull(first, 'key-1')).toBe('ok');

    served = { keys: [] };
    expect(await pull(first, 'key-1')).toBe('ok'); // still within the 30 s the set is trusted
    vi.setSystemTime(Date.now() + 31_000);
    expect(await pull(first, 'key-1')).toBe('token_signature_invalid');

    served = second.jwks;
    expect(await pull(second, 'key-2')).toBe('token_signature_invalid'); // fetched under 5 s ago
    vi.setSystemTime(Date.now() + 6_000);
    expect(await pull(second, 'key-2')).toBe('ok');

    served = 'hang';
    vi.setSystemTime(Date.now() + 31_000);
    const token = signRs256(validClaims('carol'), second.privateKey, 'key-2');
    const response = await fetch(`${api.url}/sync/pull`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...bearer(token) },
      body: '{"cursor":null}',
    });
    expect([response.status, ((await response.json()) as { error: { code: string } }).error.code]).toEqual([
      503,
      'auth_unavailable',
    ]);
    expect(response.headers.get('retry-after')).toBe('5');
  });
});
