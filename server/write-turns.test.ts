import { afterEach, describe, expect, it } from 'vitest';
import type { Mutation } from '../protocol/index.ts';
import { openStorage, type Storage } from './storage.ts';
import { openTestStorage, startTestServer, TEST_BACKENDS } from './test-backends.ts';

const postgres = TEST_BACKENDS.find((backend) => backend.name === 'postgres');
if (!postgres) throw new Error('no postgres test backend');

const gate = () => {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
};

/** Holds `owner`'s write turn inside a transaction until the returned `release` is called. */
async function holdTurn(storage: Storage, owner: string) {
  const holder = gate();
  const started = gate();
  const held = storage.transaction(
    async () => {
      started.open();
      await holder.opened;
    },
    { lockKey: `owner:${owner}` },
  );
  await started.opened;
  return async () => {
    holder.open();
    await held;
  };
}

describe('a user’s writes wait their turn without holding a connection (postgres)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  });

  it('lets other users through a two-connection pool while one user has 20 writes waiting', async () => {
    const { storage, drop } = await openTestStorage(postgres, { maxConnections: 2 });
    cleanups.push(drop);
    const release = await holdTurn(storage, 'alice');
    const order: number[] = [];
    const burst = Array.from({ length: 20 }, (_, index) =>
      storage.transaction(
        async (tx) => {
          order.push(index);
          await tx.query('SELECT 1');
        },
        { lockKey: 'owner:alice' },
      ),
    );
    const others = await Promise.all(
      Array.from({ length: 5 }, () => storage.transaction((tx) => tx.query<{ ok: number }>('SELECT 1 AS ok'))),
    );
    expect(others.map(([row]) => row?.ok)).toEqual([1, 1, 1, 1, 1]);
    expect(order).toEqual([]);
    await release();
    await Promise.all(burst);
    expect(order).toEqual(Array.from({ length: 20 }, (_, index) => index));
  });

  it('waits for another server instance without a connection, and only so long', async () => {
    const { storage, location, drop } = await openTestStorage(postgres);
    cleanups.push(drop);
    const other = await openStorage(location, { maxConnections: 1, maxTurnWaitMs: 2000 });
    cleanups.push(() => other.close());
    const release = await holdTurn(storage, 'alice');
    let isDone = false;
    const waiting = other
      .transaction((tx) => tx.query('SELECT 1'), { lockKey: 'owner:alice' })
      .then(() => (isDone = true));
    // The waiting instance's only connection is free between its tries.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await other.query<{ ok: number }>('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
    expect(isDone).toBe(false);
    await release();
    await waiting;
    expect(isDone).toBe(true);

    const impatient = await openStorage(location, { maxTurnWaitMs: 200 });
    cleanups.push(() => impatient.close());
    const releaseAgain = await holdTurn(storage, 'alice');
    await expect(impatient.transaction(async () => 'never', { lockKey: 'owner:alice' })).rejects.toMatchObject({
      code: 'rate_limited',
    });
    await releaseAgain();
  });
});

describe.each(TEST_BACKENDS)('a write that cannot get its turn in time on $name', (backend) => {
  it('is answered 429 rate_limited with Retry-After, and applies nothing', async () => {
    const database = await backend.create();
    const api = await startTestServer(database.location, { maxWriteWaitMs: 100 });
    try {
      const release = await holdTurn(api.server.storage, 'anonymous');
      const mutation: Mutation = {
        seq: 1,
        id: 'm1',
        collection: 'todos',
        op: 'create',
        recordId: 'r1',
        data: {},
        baseVersion: null,
        at: 1,
      };
      const response = await fetch(`${api.url}/sync/push`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ clientId: 'c1', mutations: [mutation] }),
      });
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('2');
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
      await release();
      expect(await api.server.storage.query('SELECT * FROM syncworker_mutations')).toEqual([]);
      const retried = await api.request('POST', '/sync/push', { clientId: 'c1', mutations: [mutation] });
      expect(retried.body.results[0].status).toBe('applied');
    } finally {
      await api.close();
      await database.drop();
    }
  });
});
