import { expect, onTestFinished, test } from 'vitest';
import { openConnected, restFetch, startFirefoxRig, stopFirefoxRig } from './firefox.ts';

test('the answer to the storage persistence request reaches the client and the status', async () => {
  // Firefox's test switch for its persistence prompt: answer it with "allow" at once.
  const rig = await startFirefoxRig({
    'dom.storageManager.prompt.testing': true,
    'dom.storageManager.prompt.testing.allow': true,
  });
  onTestFinished(() => stopFirefoxRig(rig));
  const app = await openConnected(rig.browser, rig.faults.url);

  await expect.poll(() => app.evaluate(() => window.syncClient.isStoragePersisted)).toBe(true);
  // The worker reads persistence with its storage estimate, which it reuses for a few seconds.
  await expect
    .poll(() => app.evaluate(async () => (await window.syncClient.status()).storage.isPersisted), { timeout: 30_000 })
    .toBe(true);
});

test('connect() resolves and the app works while the persistence prompt waits for an answer', async () => {
  // Firefox's own behaviour: persist() waits until the user settles the prompt, here never.
  const rig = await startFirefoxRig();
  onTestFinished(() => stopFirefoxRig(rig));
  const app = await openConnected(rig.browser, rig.faults.url);

  expect(await app.evaluate(() => window.syncClient.isStoragePersisted)).toBeNull();
  const created = await restFetch(app, 'POST', '/api/todos', { id: 'unprompted', title: 'no answer needed' });
  expect(created.status).toBe(201);
  await app.evaluate(() => window.syncClient.syncNow());
  expect((await rig.server.records('todos')).map((row) => row.id)).toEqual(['unprompted']);
  expect(await app.evaluate(() => window.syncClient.isStoragePersisted)).toBeNull();
});
