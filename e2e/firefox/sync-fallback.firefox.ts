import { expect, onTestFinished, test } from 'vitest';
import { isRetrySecondsAwayInPage } from '../fixtures/in-page.ts';
import { openConnected, readStore, restFetch, startFirefoxRig, stopFirefoxRig } from './firefox.ts';

test('without Background Sync, the page’s online event brings the outbox to the server at once', async () => {
  const rig = await startFirefoxRig();
  onTestFinished(() => stopFirefoxRig(rig));
  const { server, faults, browser } = rig;
  const app = await openConnected(browser, faults.url);
  expect(await app.evaluate(async () => 'sync' in (await navigator.serviceWorker.ready))).toBe(false);

  await app.setOfflineMode(true);
  // The page is offline; the worker's own requests are not, so the proxy cuts them.
  faults.failRequests('/sync/push', { status: 0 }, 1000);
  expect((await restFetch(app, 'POST', '/api/todos', { id: 'fallback', title: 'sent when back online' })).status).toBe(
    201,
  );
  // Let the network failures pile up until the scheduler's next retry is seconds away.
  await expect.poll(() => faults.exchangesTo('/sync/push').length, { timeout: 30_000 }).toBeGreaterThanOrEqual(4);
  // The proxy sees a failure before the worker does: wait until the worker's next retry is seconds away, then heal.
  await expect.poll(() => app.evaluate(isRetrySecondsAwayInPage), { timeout: 30_000 }).toBe(true);
  faults.heal('/sync/push');
  const { nextAttemptAt } = await app.evaluate(() => window.syncClient.status());

  await app.setOfflineMode(false);
  // The outbox empties once the server's answer is back, so the proxy has recorded it by then.
  await expect.poll(() => readStore(app, 'outbox')).toHaveLength(0);
  expect(await server.appliedMutationCount()).toBe(1);
  const delivered = faults.exchangesTo('/sync/push').find((push) => push.status === 200);
  // Delivered by the online event, which ignores backoff, not by the scheduler's retry timer.
  expect(delivered?.at).toBeLessThan(nextAttemptAt ?? 0);
  expect((await server.records('todos')).map((row) => row.id)).toEqual(['fallback']);
});

test('without Background Sync, a kick from the page sends what the worker holds', async () => {
  const rig = await startFirefoxRig();
  onTestFinished(() => stopFirefoxRig(rig));
  const { server, faults, browser } = rig;
  const app = await openConnected(browser, faults.url);

  await server.stop();
  expect((await restFetch(app, 'POST', '/api/todos', { id: 'kicked', title: 'sent by syncNow' })).status).toBe(201);
  await server.restart();
  const status = await app.evaluate(() => window.syncClient.syncNow());
  expect(status.pending).toBe(0);
  expect((await server.records('todos')).map((row) => row.id)).toEqual(['kicked']);
  expect(await server.appliedMutationCount()).toBe(1);
});
