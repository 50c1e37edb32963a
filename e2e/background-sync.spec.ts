import { dispatchSyncEvent, readStore, restFetch } from './fixtures/browser.ts';
import { isRetrySecondsAwayInPage } from './fixtures/in-page.ts';
import { expect, test } from './fixtures/test.ts';

test('the Background Sync event delivers the outbox at once, while the scheduler backs off', async ({
  app,
  server,
  faults,
}) => {
  faults.failRequests('/sync/push', { status: 0 }, 1000);
  await restFetch(app, 'POST', '/api/todos', { id: 'bg', title: 'sent by the sync event' });
  const tags = await app.evaluate(async () => (await navigator.serviceWorker.ready).sync?.getTags());
  expect(tags).toEqual(['syncworker']);
  // Let the network failures pile up until the next retry is seconds away.
  await expect.poll(() => faults.exchangesTo('/sync/push').length, { timeout: 20_000 }).toBeGreaterThanOrEqual(4);
  // Heal only once the worker's next retry is seconds away: no retry of its own can deliver first.
  await expect.poll(() => app.evaluate(isRetrySecondsAwayInPage), { timeout: 30_000 }).toBe(true);
  faults.heal('/sync/push');
  const { nextAttemptAt } = await app.evaluate(() => window.syncClient.status());

  await dispatchSyncEvent(app);
  // The proxy records an exchange once its answer went back, after the server committed.
  const delivered = () => faults.exchangesTo('/sync/push').find((push) => push.status === 200);
  await expect.poll(() => delivered()?.at).toBeDefined();
  // Delivered by the event, not by the scheduler's own retry timer.
  expect(delivered()?.at).toBeLessThan(nextAttemptAt ?? 0);
  expect(await server.appliedMutationCount()).toBe(1);
  await expect.poll(() => readStore(app, 'outbox')).toHaveLength(0);
});

test('without Background Sync, the page’s online event brings the outbox to the server', async ({
  page,
  faults,
  server,
  context,
}) => {
  // A page on the ready-made worker with Background Sync turned off, as in browsers that lack it.
  await page.route('**/no-background-sync.html', (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><script src="/syncworker.iife.js"></script><script>
        SyncWorker.connect({ config: { routes: { '/api/todos': 'todos' }, backgroundSync: false } })
          .then((client) => { window.syncClient = client; });
      </script>`,
    }),
  );
  await page.goto(`${faults.url}/no-background-sync.html`);
  await page.waitForFunction(() => window.syncClient !== undefined);

  await context.setOffline(true);
  expect((await restFetch(page, 'POST', '/api/todos', { id: 'fallback', title: 'sent when back online' })).status).toBe(
    201,
  );
  await expect
    .poll(async () => (await page.evaluate(() => window.syncClient.status())).lastError?.code)
    .toBe('network_error');
  expect(await page.evaluate(async () => (await navigator.serviceWorker.ready).sync?.getTags())).toEqual([]);
  expect(await server.appliedMutationCount()).toBe(0);

  await context.setOffline(false);
  await expect.poll(() => server.appliedMutationCount()).toBe(1);
});
