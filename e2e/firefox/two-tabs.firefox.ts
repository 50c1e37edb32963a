import { expect, onTestFinished, test } from 'vitest';
import type { SyncRecord } from '../../src/index.ts';
import { openConnected, startFirefoxRig, stopFirefoxRig, submit, texts } from './firefox.ts';

interface Todo extends SyncRecord {
  title: string;
  done: boolean;
}

type LiveWindow = typeof window & { live?: Todo[] };

test('a live query in one tab follows collection writes made in another, online and offline', async () => {
  const rig = await startFirefoxRig();
  onTestFinished(() => stopFirefoxRig(rig));
  const { server, faults, browser } = rig;
  const app = await openConnected(browser, faults.url);
  await app.evaluate(() => {
    window.syncClient.collection<Todo>('todos').subscribe({ where: { done: false }, sort: 'title' }, (records) => {
      (window as LiveWindow).live = records;
    });
  });
  const other = await openConnected(browser, faults.url);
  const liveTitles = () => app.evaluate(() => (window as LiveWindow).live?.map((todo) => todo.title));

  await other.evaluate(() => window.syncClient.collection('todos').put({ id: 'b', title: 'beta', done: false }));
  await expect.poll(liveTitles).toEqual(['beta']);

  await server.stop();
  await other.setOfflineMode(true);
  await other.evaluate(async () => {
    const todos = window.syncClient.collection('todos');
    await todos.put({ id: 'a', title: 'alpha', done: false });
    await todos.patch('b', { done: true });
  });
  await expect.poll(liveTitles).toEqual(['alpha']);
  expect(await app.evaluate(() => window.syncClient.collection('todos').get('b'))).toMatchObject({ done: true });
  // The demo's own list, fed by the changed event, shows the other tab's offline writes too.
  await submit(other, 'input[name=title]', 'typed offline');
  await expect.poll(() => texts(app, '#todos li .text')).toContain('typed offline');

  await other.setOfflineMode(false);
  await server.restart();
  const status = await other.evaluate(() => window.syncClient.syncNow());
  expect(status.pending).toBe(0);
  const rows = await server.records('todos');
  expect(rows.map((row) => [row.data.title, row.data.done]).sort()).toEqual([
    ['alpha', false],
    ['beta', true],
    ['typed offline', false],
  ]);
  // put b, put a, patch b, post: each mutation applied once.
  expect(await server.appliedMutationCount()).toBe(4);
});
