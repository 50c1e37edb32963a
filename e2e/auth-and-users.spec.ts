import { signHs256, validClaims } from '../server/test-tokens.ts';
import { readStore, restFetch } from './fixtures/browser.ts';
import { expect, test } from './fixtures/test.ts';

const SECRET = 'e2e-secret';
const tokenFor = (user: string, claims: object = {}) => signHs256(validClaims(user, claims), SECRET);

test.use({ serverOptions: { auth: { mode: 'jwt', secret: SECRET } } });

test('a 401 pauses the queue until the page hands over a fresh token', async ({ app, server, faults }) => {
  const expired = tokenFor('alice', { exp: Math.floor(Date.now() / 1000) - 3600 });
  await app.evaluate((token) => window.syncClient.signIn('alice', token), expired);
  await restFetch(app, 'POST', '/api/todos', { id: 'a1', title: 'needs a valid token' });

  await expect
    .poll(async () => (await app.evaluate(() => window.syncClient.status())).pausedReason)
    .toBe('unauthorized');
  const refusedPushes = faults.exchangesTo('/sync/push').length;
  expect(faults.exchangesTo('/sync/push').every((push) => push.status === 401)).toBe(true);
  await app.evaluate(() => window.syncClient.syncNow());
  expect(faults.exchangesTo('/sync/push')).toHaveLength(refusedPushes);

  await app.evaluate((token) => window.syncClient.setToken(token), tokenFor('alice'));
  await expect.poll(() => server.appliedMutationCount()).toBe(1);
  const [row] = await server.query<{ owner: string }>("SELECT owner FROM syncworker_records WHERE id = 'a1'");
  expect(row?.owner).toBe('alice');
  expect((await app.evaluate(() => window.syncClient.status())).pausedReason).toBeNull();
});

test('switching user never sends one user’s outbox with another’s token', async ({ app, server, faults }) => {
  const alice = tokenFor('alice');
  const bob = tokenFor('bob');
  await app.evaluate((token) => window.syncClient.signIn('alice', token), alice);
  await server.stop();
  await restFetch(app, 'POST', '/api/todos', { id: 'alice-1', title: 'written by alice offline' });

  await app.evaluate((token) => window.syncClient.signIn('bob', token), bob);
  expect((await restFetch(app, 'GET', '/api/todos')).body).toEqual([]);
  await restFetch(app, 'POST', '/api/todos', { id: 'bob-1', title: 'written by bob' });
  await server.restart();
  await app.evaluate(() => window.syncClient.syncNow());

  const rows = await server.query<{ id: string; owner: string }>(
    'SELECT id, owner FROM syncworker_records ORDER BY id',
  );
  expect(rows).toEqual([{ id: 'bob-1', owner: 'bob' }]);
  for (const push of faults.exchangesTo('/sync/push')) {
    if (push.headers.authorization === `Bearer ${bob}`) expect(push.requestBody).not.toContain('alice-1');
  }

  await app.evaluate((token) => window.syncClient.signIn('alice', token), alice);
  await app.evaluate(() => window.syncClient.syncNow());
  const after = await server.query<{ id: string; owner: string }>(
    'SELECT id, owner FROM syncworker_records ORDER BY id',
  );
  expect(after).toEqual([
    { id: 'alice-1', owner: 'alice' },
    { id: 'bob-1', owner: 'bob' },
  ]);
  const alicesTodos = (await restFetch(app, 'GET', '/api/todos')).body as { id: string }[];
  expect(alicesTodos.map((todo) => todo.id)).toEqual(['alice-1']);
  expect(await readStore(app, 'outbox', 'syncworker:alice')).toHaveLength(0);
});

test('a first visit that connects with getToken syncs once the token arrives, never staying paused', async ({
  page,
  server,
  faults,
}) => {
  // A fresh profile: the worker's first sync run goes out before the page's token provider answers.
  await page.route(`${faults.url}/token-app.html`, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><script src="/syncworker.iife.js"></script><script>
        window.tokenCalls = 0;
        SyncWorker.connect({
          serviceWorkerUrl: '/sw.js',
          getToken: async () => {
            window.tokenCalls += 1;
            await new Promise((resolve) => setTimeout(resolve, 500));
            return ${JSON.stringify(tokenFor('carol'))};
          },
        }).then((client) => { window.syncClient = client; });
      </script>`,
    }),
  );
  await page.goto(`${faults.url}/token-app.html`);
  await page.waitForFunction(() => window.syncClient !== undefined);
  expect((await restFetch(page, 'POST', '/api/todos', { id: 'c1', title: 'from a fresh profile' })).status).toBe(201);

  await expect.poll(() => server.appliedMutationCount(), { timeout: 20_000 }).toBe(1);
  const [row] = await server.query<{ owner: string }>("SELECT owner FROM syncworker_records WHERE id = 'c1'");
  expect(row?.owner).toBe('carol');
  expect((await page.evaluate(() => window.syncClient.status())).pausedReason).toBeNull();
  expect(await page.evaluate(() => (window as unknown as { tokenCalls: number }).tokenCalls)).toBeGreaterThanOrEqual(1);
});
