import { expect, onTestFinished, test } from 'vitest';
import {
  openConnected,
  readStore,
  startFirefoxRig,
  stopFirefoxRig,
  submit,
  texts,
  waitUntilConnected,
} from './firefox.ts';

test('a page with one script tag and the ready-made worker creates offline, reloads offline and syncs', async () => {
  const rig = await startFirefoxRig();
  onTestFinished(() => stopFirefoxRig(rig));
  const { server, faults, browser } = rig;
  const page = await openConnected(browser, `${faults.url}/plain/`);
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toContain(
    '/syncworker-sw.js?config=',
  );

  await server.stop();
  await page.setOfflineMode(true);
  for (const text of ['first note', 'second note']) {
    await submit(page, 'input[name=text]', text);
    await expect.poll(() => texts(page, '#notes li')).toContain(text);
  }
  expect(await texts(page, '#notes li')).toEqual(['first note', 'second note']);

  await page.reload();
  await waitUntilConnected(page);
  await expect.poll(() => texts(page, '#notes li')).toEqual(['first note', 'second note']);
  expect(await readStore(page, 'outbox', 'syncworker-plain')).toHaveLength(2);

  await server.restart();
  await page.setOfflineMode(false);
  await expect
    .poll(() => server.records('notes').then((rows) => rows.map((row) => row.data.text).sort()))
    .toEqual(['first note', 'second note']);
  expect(await server.appliedMutationCount()).toBe(2);
  // In the browser's locale: 14:05 or 2:05 PM.
  await expect.poll(() => texts(page, '#status')).toEqual([expect.stringMatching(/^Synced at \d\d?:\d\d/)]);
});
