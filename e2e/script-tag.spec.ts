import { readStore } from './fixtures/browser.ts';
import { expect, test } from './fixtures/test.ts';

test('a page with one script tag and the ready-made worker creates offline, reloads offline and syncs', async ({
  page,
  faults,
  server,
  context,
}) => {
  await page.goto(`${faults.url}/plain/`);
  await page.waitForFunction(() => window.syncClient !== undefined);
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toContain(
    '/syncworker-sw.js?config=',
  );

  await server.stop();
  await context.setOffline(true);
  for (const text of ['first note', 'second note']) {
    await page.fill('input[name=text]', text);
    await page.press('input[name=text]', 'Enter');
  }
  await expect(page.locator('#notes li')).toHaveText(['first note', 'second note']);

  await page.reload();
  await page.waitForFunction(() => window.syncClient !== undefined);
  await expect(page.locator('#notes li')).toHaveText(['first note', 'second note']);
  expect(await readStore(page, 'outbox', 'syncworker-plain')).toHaveLength(2);

  await server.restart();
  await context.setOffline(false);
  await expect
    .poll(() => server.records('notes').then((rows) => rows.map((row) => row.data.text).sort()))
    .toEqual(['first note', 'second note']);
  expect(await server.appliedMutationCount()).toBe(2);
  await expect(page.locator('#status')).toHaveText(/^Synced at \d\d:\d\d/);
});
