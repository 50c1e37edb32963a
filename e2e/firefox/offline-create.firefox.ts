import { expect, onTestFinished, test } from 'vitest';
import {
  openConnected,
  readStore,
  restFetch,
  startFirefoxRig,
  stopFirefoxRig,
  texts,
  waitUntilConnected,
} from './firefox.ts';

test('todos created while the server is down survive a reload and reach the server exactly once', async () => {
  const rig = await startFirefoxRig();
  onTestFinished(() => stopFirefoxRig(rig));
  const { server, faults, browser } = rig;
  const app = await openConnected(browser, faults.url);
  // connect() resolved although Firefox holds the persistence request until the user answers.
  expect(await app.evaluate(() => window.syncClient.isStoragePersisted)).toBeNull();

  await server.stop();
  for (const title of ['milk', 'bread', 'eggs']) {
    const created = await restFetch(app, 'POST', '/api/todos', { title, done: false });
    expect(created.status).toBe(201);
    expect(created.headers['x-sync-pending']).toBe('1');
  }

  await app.setOfflineMode(true);
  await app.reload();
  await waitUntilConnected(app);
  const listed = await restFetch(app, 'GET', '/api/todos?_sort=title');
  expect((listed.body as { title: string }[]).map((todo) => todo.title)).toEqual(['bread', 'eggs', 'milk']);
  await expect.poll(() => texts(app, '#todos li .text')).toEqual(['milk', 'bread', 'eggs']);
  expect(await readStore(app, 'outbox')).toHaveLength(3);

  await app.setOfflineMode(false);
  await server.restart();
  await expect
    .poll(() => server.records('todos').then((rows) => rows.map((row) => row.data.title).sort()))
    .toEqual(['bread', 'eggs', 'milk']);
  expect(await server.appliedMutationCount()).toBe(3);
  await expect.poll(() => readStore(app, 'outbox')).toHaveLength(0);
  const local = await readStore<{ _version?: number }>(app, 'todos');
  expect(local.map((todo) => todo._version)).toEqual([1, 1, 1]);
});
