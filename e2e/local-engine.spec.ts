import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { evaluateQuery } from '../protocol/query-match.ts';
import { parseQueryParams } from '../protocol/query-params.ts';
import { readStore, restFetch } from './fixtures/browser.ts';
import { recordProgress, seedServer } from './fixtures/seeding.ts';
import { expect, test } from './fixtures/test.ts';

test('a local write during a long pull is answered and pushed while the pull still runs', async ({
  app,
  server,
  faults,
}) => {
  await app.evaluate(() => window.syncClient.pause());
  await seedServer(server, 5000);
  const progressSeen = await recordProgress(app);
  const lastProgress = async () => (await progressSeen()).at(-1);
  faults.delayRequests('/sync/pull', 400);

  await app.evaluate(() => window.syncClient.resume());
  await expect.poll(lastProgress).toMatchObject({ hasMore: true });
  const created = await restFetch(app, 'POST', '/api/todos', { id: 'mine', title: 'written mid-pull', done: false });
  expect(created.status).toBe(201);
  expect(await lastProgress()).toMatchObject({ hasMore: true });

  // Pushed between two pull pages, not after the whole pull.
  await expect
    .poll(async () => (await server.records('todos')).some((row) => row.id === 'mine'), { timeout: 10_000 })
    .toBe(true);
  expect(await lastProgress()).toMatchObject({ hasMore: true });

  // The pull started before this client had settled its write, so it may bring it back once.
  await expect.poll(lastProgress, { timeout: 30_000 }).toMatchObject({ hasMore: false });
  expect((await lastProgress())?.pulled).toBeGreaterThanOrEqual(5000);
  expect(await readStore(app, 'todos')).toHaveLength(5001);
  expect(await server.appliedMutationCount()).toBe(5001);
});

test('a worker version that declares other indexes migrates the local database, keeping records and outbox', async ({
  app,
  server,
  faults,
}) => {
  faults.failRequests('/sync/push', { status: 503 }, 1000);
  for (const [id, title] of [
    ['a', 'apples'],
    ['b', 'bread'],
    ['c', 'cheese'],
  ]) {
    expect((await restFetch(app, 'POST', '/api/todos', { id, title, done: false, createdAt: 1 })).status).toBe(201);
  }
  expect(await readStore(app, 'outbox')).toHaveLength(3);

  // Version 2 of the app's worker also indexes `title`.
  const script = await readFile(join(import.meta.dirname, '../dist/demo/sw.js'), 'utf8');
  const upgraded = script.replace(/(["'`])\[done\+createdAt\]\1/, '$&,$1title$1');
  expect(upgraded).not.toBe(script);
  faults.failRequests('/sw.js', { status: 200, headers: { 'Content-Type': 'text/javascript' }, body: upgraded }, 10);
  await app.evaluate(async () => {
    const waiting = new Promise((resolve) => window.syncClient.on('update', resolve));
    await (await navigator.serviceWorker.getRegistration())?.update();
    await waiting;
    await window.syncClient.applyUpdate();
  });

  // The first request to the new worker opens (and migrates) its database.
  const listed = await restFetch(app, 'GET', '/api/todos?title=bread');
  expect(listed.body).toEqual([{ id: 'b', title: 'bread', done: false, createdAt: 1 }]);
  const byTitle = await app.evaluate(
    () =>
      new Promise<unknown[]>((resolve, reject) => {
        const open = indexedDB.open('syncworker');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction('todos').objectStore('todos').index('$k.title').getAllKeys('cheese');
          request.onsuccess = () => {
            open.result.close();
            resolve(request.result);
          };
        };
      }),
  );
  expect(byTitle).toEqual(['c']);
  expect(await readStore(app, 'todos')).toHaveLength(3);
  expect(await readStore(app, 'outbox')).toHaveLength(3);

  faults.heal('/sync/push');
  expect((await app.evaluate(() => window.syncClient.syncNow())).pending).toBe(0);
  expect((await server.records('todos')).map((row) => row.id)).toEqual(['a', 'b', 'c']);
  expect(await server.appliedMutationCount()).toBe(3);
});

test('lists over 10,000 records answer exactly what the reference evaluation of the same query gives', async ({
  app,
}) => {
  const records = Array.from({ length: 10_000 }, (_, index) => ({
    id: `r${String(index).padStart(5, '0')}`,
    title: `${['buy', 'call', 'fix', 'Write'][index % 4]} item ${index % 97}`,
    done: index % 3 === 0,
    createdAt: 1_700_000_000_000 + ((index * 7919) % 10_000),
    ...(index % 5 === 0 ? {} : { priority: index % 4 }),
    owner: { name: ['ann', 'bob', 'cy'][index % 3] },
  }));
  await app.evaluate(async (records) => {
    await window.syncClient.pause();
    await window.syncClient.collection('todos').bulkPut(records);
  }, records);
  expect(await readStore(app, 'todos')).toHaveLength(10_000);

  const queries = [
    'done=false&_sort=-createdAt&_limit=50',
    'done=true&_sort=createdAt&_limit=20&_offset=100',
    '_sort=-createdAt&_page=3&_per_page=25',
    'done=false&priority_gte=2&_sort=priority,-createdAt&_limit=30',
    'createdAt_gte=1700000005000&createdAt_lt=1700000005100&_sort=createdAt',
    'priority_ne=1&owner.name=bob&_sort=-id&_start=10&_end=40',
    'title_like=^fix item 1&_sort=title,id',
    'q=WRITE ITEM 42&_sort=id',
    'id=r00001&id=r09999&id=missing',
    'owner.name=cy&done=false&_limit=5',
  ];
  for (const query of queries) {
    const answer = await restFetch(app, 'GET', `/api/todos?${query}`);
    const expected = evaluateQuery(records, parseQueryParams(new URLSearchParams(query)));
    expect({ query, status: answer.status, body: answer.body }).toEqual({ query, status: 200, body: expected.records });
    expect({ query, total: answer.headers['x-total-count'] }).toEqual({ query, total: String(expected.total) });
  }
  const paged = await restFetch(app, 'GET', '/api/todos?_sort=-createdAt&_page=3&_per_page=25');
  expect(paged.headers.link).toContain('_page=4');

  for (const query of ['_embed=owner', '_foo=1', '_limit=-1', '_page=0', 'title_like=(', '_sort=']) {
    const answer = await restFetch(app, 'GET', `/api/todos?${query}`);
    expect({ query, status: answer.status, code: (answer.body as { error: { code: string } }).error.code }).toEqual({
      query,
      status: 400,
      code: 'invalid_query',
    });
  }
});
