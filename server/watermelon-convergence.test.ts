import { appSchema, tableSchema } from '@nozbe/watermelondb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_BACKENDS, type TestDatabase, type TestServer } from './test-backends.ts';
import { signHs256, validClaims } from './test-tokens.ts';
import { type Records, WatermelonTestClient } from './watermelon-test-clients.ts';
import { NativeTestClient } from './watermelon-test-native-client.ts';

/**
 * Seeded random runs: three WatermelonDB clients (two naming themselves with client_id, one not)
 * and one client of the browser runtime's protocol create, update and delete the same user's
 * records, sync in random order, and let others write between their pull and their push. Once
 * everyone has synced, every client must hold exactly the server's records, in every run.
 * SYNCWORKER_CONVERGENCE_RUNS, _STEPS and _SEED widen the search (defaults keep the suite fast).
 */
const RUNS = Number(process.env.SYNCWORKER_CONVERGENCE_RUNS ?? 8);
const STEPS = Number(process.env.SYNCWORKER_CONVERGENCE_STEPS ?? 80);
const FIRST_SEED = Number(process.env.SYNCWORKER_CONVERGENCE_SEED ?? 1);

const SECRET = 'watermelon-convergence-test-secret';
const SCHEMA = appSchema({
  version: 1,
  tables: [
    tableSchema({
      name: 'todos',
      columns: [
        { name: 'title', type: 'string' },
        { name: 'n', type: 'number' },
        { name: 'done', type: 'boolean' },
      ],
    }),
  ],
});

/** mulberry32: a small seeded generator, so a failing run can be replayed by its seed. */
function randomFrom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    chance: (probability: number) => next() < probability,
    int: (below: number) => Math.floor(next() * below),
    pick: <T>(items: T[]): T | undefined => items[Math.floor(next() * items.length)],
  };
}

type Client =
  | { name: string; kind: 'watermelon'; client: WatermelonTestClient }
  | { name: string; kind: 'native'; client: NativeTestClient };

describe.each(TEST_BACKENDS)('WatermelonDB and syncworker clients converge on $name', (backend) => {
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

  const seeds = Array.from({ length: RUNS }, (_, index) => FIRST_SEED + index);

  it.each(seeds)('seed %i', async (seed) => {
    const random = randomFrom(seed * 7919 + (backend.name === 'postgres' ? 1 : 0));
    const user = `user-${backend.name}-${seed}`;
    const token = signHs256(validClaims(user), SECRET);
    const open = (clientId?: string) =>
      WatermelonTestClient.open({ url: api.url, token, schema: SCHEMA, ...(clientId ? { clientId } : {}) });
    const clients: Client[] = [
      { name: 'phone', kind: 'watermelon', client: open('phone') },
      { name: 'tablet', kind: 'watermelon', client: open('tablet') },
      { name: 'anonymous', kind: 'watermelon', client: open() },
      { name: 'browser', kind: 'native', client: new NativeTestClient(api.url, `browser-${seed}`, token) },
    ];
    const recordsOf = async ({ kind, client }: Client): Promise<Records> =>
      kind === 'native' ? client.records('todos') : client.records('todos');
    const fields = () => {
      const all = { title: `t${random.int(1000)}`, n: random.int(100), done: random.chance(0.5) };
      return Object.fromEntries(Object.entries(all).filter(() => random.chance(0.6)));
    };
    let created = 0;

    /** One local write on `target`: a create, or an update or delete of a record it holds. */
    const write = async (target: Client) => {
      const ids = [...(await recordsOf(target)).keys()];
      // Recent records, the ones people edit and delete most, are picked more often.
      const id = random.pick(random.chance(0.5) ? ids.slice(-3) : ids);
      const choice = id === undefined || random.chance(0.3) ? 0 : random.chance(0.45) ? 2 : 1;
      const whole = { title: `new${created++}`, n: random.int(100), done: false };
      if (target.kind === 'native') {
        if (choice === 0) target.client.create('todos', `b${seed}x${created}`, whole);
        else if (choice === 1) target.client.update('todos', id as string, fields());
        else target.client.delete('todos', id as string);
      } else if (choice === 0) await target.client.create('todos', whole);
      else if (choice === 1) await target.client.update('todos', id as string, fields());
      else await target.client.delete('todos', id as string);
    };
    /** A sync, maybe with another client's writes and sync, or a local write, between pull and push. */
    const sync = async (target: Client, depth = 0): Promise<void> => {
      if (target.kind === 'native') return target.client.sync();
      const other = random.pick(clients.filter((client) => client !== target));
      const meanwhile = depth === 0 && other ? random.int(4) : 0;
      const beforePush = async () => {
        if (meanwhile === 1 && other) await sync(other, depth + 1);
        if (meanwhile === 2 && other) {
          await write(other);
          await sync(other, depth + 1);
        }
        if (meanwhile === 3) await write(target);
      };
      // A refused push (a conflict) is what an app sees as a failed sync: it tries again later.
      await target.client.sync({ beforePush }).catch((error: Error) => {
        if (!/"code":"conflict"/.test(error.message)) throw error;
      });
    };

    try {
      for (let step = 0; step < STEPS; step++) {
        const target = clients[random.int(clients.length)] as Client;
        if (random.chance(0.5)) await write(target);
        else await sync(target);
      }
      // Everyone syncs until a whole round goes through without a refused push, then once more.
      let rounds = 0;
      for (let isSettled = false; !isSettled; rounds++) {
        if (rounds > 10) throw new Error(`seed ${seed}: clients still conflict after 10 rounds`);
        isSettled = true;
        for (const target of clients) {
          if (target.kind === 'native') await target.client.sync();
          else await target.client.sync().catch(() => (isSettled = false));
        }
      }
      for (const target of clients) await (target.kind === 'native' ? target.client.sync() : target.client.sync());

      const rows = await api.server.storage.query<{ id: string; data: Record<string, unknown> }>(
        "SELECT id, data FROM syncworker_records WHERE owner = $1 AND collection = 'todos' AND NOT deleted",
        [user],
      );
      const server = new Map(rows.map((row) => [row.id, row.data]));
      for (const target of clients) {
        expect({ seed, client: target.name, records: await recordsOf(target) }).toEqual({
          seed,
          client: target.name,
          records: server,
        });
      }
      const browser = clients.find((client) => client.kind === 'native');
      expect(browser?.kind === 'native' && browser.client.pending).toBe(0);
    } finally {
      for (const target of clients) if (target.kind === 'watermelon') target.client.close();
    }
  });
});
