import { openApp, readStore } from './fixtures/browser.ts';
import { expect, test } from './fixtures/test.ts';

test('a change made on another device reaches an open app through the realtime poke', async ({
  app,
  browser,
  faults,
}) => {
  const otherDevice = await browser.newContext();
  const other = await openApp(await otherDevice.newPage(), faults.url);
  const pullsBefore = faults.exchangesTo('/sync/pull').length;

  await other.evaluate(() =>
    window.syncClient.collection('todos').put({ id: 'remote', title: 'from the other device' }),
  );

  // No syncNow and no timer here (it runs every 30 s): the server's poke makes the app pull.
  await expect
    .poll(() => readStore<{ id: string }>(app, 'todos').then((todos) => todos.map((t) => t.id)), { timeout: 10_000 })
    .toEqual(['remote']);
  await expect(app.locator('#todos li')).toHaveText([/from the other device/]);
  expect(faults.exchangesTo('/sync/pull').length).toBeGreaterThan(pullsBefore);
  expect(faults.exchangesTo('/sync/events').length).toBeGreaterThanOrEqual(2);
  await otherDevice.close();
});
