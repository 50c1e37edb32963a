import { appSchema, tableSchema } from '@nozbe/watermelondb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseServeArgs } from './cli-options.ts';
import { startTestServer, TEST_BACKENDS, type TestDatabase, type TestServer } from './test-backends.ts';
import { signHs256, validClaims } from './test-tokens.ts';
import { WatermelonTestClient, watermelonErrors } from './watermelon-test-clients.ts';

const SECRET = 'watermelon-large-push-test-secret';
const SCHEMA = appSchema({
  version: 1,
  tables: [
    tableSchema({
      name: 'todos',
      columns: [
        { name: 'title', type: 'string' },
        { name: 'note', type: 'string' },
        { name: 'done', type: 'boolean' },
      ],
    }),
  ],
});
const tokenOf = (user: string) => signHs256(validClaims(user), SECRET);
const countOf = async (api: TestServer, user: string) => {
  const [row] = await api.server.storage.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM syncworker_records WHERE owner = $1 AND NOT deleted',
    [user],
  );
  return Number(row?.n);
};

describe.each(TEST_BACKENDS)('large WatermelonDB pushes on $name', (backend) => {
  let database: TestDatabase;
  let api: TestServer;

  beforeAll(async () => {
    database = await backend.create();
    api = await startTestServer(database.location, { auth: { mode: 'jwt', secret: SECRET } });
  });
  afterAll(async () => {
    await api.close();
    await database.drop();
  });

  it('takes 12,000 records created offline in one push (over 1 MiB) and hands them to another client', async () => {
    watermelonErrors.length = 0;
    const token = tokenOf('offline');
    const offline = WatermelonTestClient.open({ url: api.url, token, schema: SCHEMA, clientId: 'plane' });
    const other = WatermelonTestClient.open({ url: api.url, token, schema: SCHEMA, clientId: 'desk' });
    try {
      await offline.createMany(
        'todos',
        Array.from({ length: 12_000 }, (_, index) => ({
          title: `imported todo number ${index}`,
          note: 'written on a plane, without a network, to be synced on landing',
          done: index % 3 === 0,
        })),
      );
      await offline.sync();
      expect(await countOf(api, 'offline')).toBe(12_000);
      await offline.sync();
      await other.sync();
      expect((await other.records('todos')).size).toBe(12_000);
      expect(watermelonErrors).toEqual([]);
    } finally {
      offline.close();
      other.close();
    }
  });

  it('keeps /health, other users and the same user’s other writes answering while a large push is applied', async () => {
    const headersOf = (user: string) => ({ Authorization: `Bearer ${tokenOf(user)}` });
    const records = Array.from({ length: 30_000 }, (_, index) => ({ id: `big${index}`, title: `record ${index}` }));
    const pull = await api.request('GET', '/sync/watermelon?last_pulled_at=null', undefined, headersOf('big'));
    const started = performance.now();
    let pushEnded = 0;
    const bigPush = api
      .request(
        'POST',
        `/sync/watermelon?last_pulled_at=${pull.body.timestamp}`,
        { todos: { created: records, updated: [], deleted: [] } },
        headersOf('big'),
      )
      .finally(() => (pushEnded = performance.now()));
    // Once the push is being applied (its first chunk committed), others ask.
    while ((await countOf(api, 'big')) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const answeredAt = (request: Promise<{ status: number }>) =>
      request.then(({ status }) => ({ status, at: performance.now() }));
    const others = await Promise.all([
      answeredAt(api.request('POST', '/sync/pull', { cursor: null }, headersOf('neighbour'))),
      answeredAt(
        api.request(
          'POST',
          '/sync/push',
          {
            clientId: 'same-user-browser',
            mutations: [
              {
                seq: 1,
                id: 'm1',
                collection: 'todos',
                op: 'create',
                recordId: 'b1',
                data: {},
                baseVersion: null,
                at: 1,
              },
            ],
          },
          headersOf('big'),
        ),
      ),
    ]);
    const healthGaps: number[] = [];
    for (let last = performance.now(); !pushEnded; ) {
      await fetch(`${api.url}/health`);
      const now = performance.now();
      healthGaps.push(now - last);
      last = now;
    }
    expect((await bigPush).status).toBe(200);
    expect(others.map(({ status }) => status)).toEqual([200, 200]);
    expect(others.every(({ at }) => at < pushEnded)).toBe(true);
    // No stall of the event loop takes a large part of the push: it was applied in short turns.
    expect(Math.max(...healthGaps)).toBeLessThan((pushEnded - started) / 4);
    expect(await countOf(api, 'big')).toBe(30_001);
  });

  it('refuses a push over the configured limit with 413, naming the option', async () => {
    const small = await startTestServer(backend.name === 'pglite' ? 'memory' : database.location, {
      maxWatermelonPushBytes: 1000,
    });
    try {
      const answer = await small.request('POST', '/sync/watermelon?last_pulled_at=1', {
        todos: { created: [{ id: 'x', title: 'y'.repeat(1000) }], updated: [], deleted: [] },
      });
      expect([answer.status, answer.body.error.code]).toEqual([413, 'payload_too_large']);
      expect(answer.body.error.message).toContain('maxWatermelonPushBytes');
    } finally {
      await small.close();
    }
  });
});

describe('syncworker serve --max-watermelon-push-bytes', () => {
  it('sets the limit, and refuses what is no number of bytes', async () => {
    const parsed = await parseServeArgs(['serve', '--max-watermelon-push-bytes', '67108864']);
    expect(parsed?.options.maxWatermelonPushBytes).toBe(67_108_864);
    await expect(parseServeArgs(['serve', '--max-watermelon-push-bytes', '16MB'])).rejects.toThrow(/number of bytes/);
  });
});
