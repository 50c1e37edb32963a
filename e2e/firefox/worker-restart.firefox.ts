import { expect, onTestFinished, test } from 'vitest';
import {
  openConnected,
  readStore,
  restFetch,
  runningServiceWorkers,
  startFirefoxRig,
  stopFirefoxRig,
  stopServiceWorkers,
} from './firefox.ts';

test('stopping the worker between the local write and the push loses and duplicates nothing', async () => {
  const rig = await startFirefoxRig();
  onTestFinished(() => stopFirefoxRig(rig));
  const { server, faults, browser } = rig;
  const app = await openConnected(browser, faults.url);

  await server.stop();
  const first = await restFetch(app, 'POST', '/api/todos', { id: 'first', title: 'before the stop' });
  expect(first.status).toBe(201);

  await stopServiceWorkers(browser);
  expect(await runningServiceWorkers(browser)).toBe(0);
  expect(await readStore(app, 'outbox')).toHaveLength(1);

  // The next request wakes a fresh worker, which must find the outbox where the old one left it.
  const second = await restFetch(app, 'POST', '/api/todos', { id: 'second', title: 'after the stop' });
  expect(second.status).toBe(201);
  expect(await runningServiceWorkers(browser)).toBe(1);
  expect((await readStore<{ seq: number }>(app, 'outbox')).map((entry) => entry.seq)).toEqual([1, 2]);

  await server.restart();
  await stopServiceWorkers(browser);
  // The page's link to the stopped worker is dead: syncNow must reconnect and still complete.
  const status = await app.evaluate(() => window.syncClient.syncNow());
  expect(status.pending).toBe(0);

  expect((await server.records('todos')).map((row) => row.id)).toEqual(['first', 'second']);
  expect(await server.appliedMutationCount()).toBe(2);
  expect(await readStore(app, 'outbox')).toHaveLength(0);
});
