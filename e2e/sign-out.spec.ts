import { restFetch } from './fixtures/browser.ts';
import { expect, test } from './fixtures/test.ts';

test('sign-out with "clear" deletes the user’s local data; "park" (default) keeps it', async ({ page, faults }) => {
  await page.route('**/clearing.html', (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><script src="/syncworker.iife.js"></script><script>
        SyncWorker.connect({ config: { routes: { '/api/todos': 'todos' }, signOut: 'clear' } })
          .then((client) => { window.syncClient = client; });
      </script>`,
    }),
  );
  await page.goto(`${faults.url}/clearing.html`);
  await page.waitForFunction(() => window.syncClient !== undefined);
  await page.evaluate(() => window.syncClient.signIn('carol', null));
  await restFetch(page, 'POST', '/api/todos', { id: 'c1', title: 'carol’s' });
  const databases = () => page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name).sort());
  expect(await databases()).toContain('syncworker:carol');

  await page.evaluate(() => window.syncClient.signOut());
  expect(await databases()).not.toContain('syncworker:carol');
  expect((await restFetch(page, 'GET', '/api/todos')).body).toEqual([]);
});
