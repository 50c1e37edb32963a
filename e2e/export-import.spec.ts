import type { ImportSummary } from '../src/index.ts';
import { openApp, readStore, restFetch, stopServiceWorkers } from './fixtures/browser.ts';
import { expect, test } from './fixtures/test.ts';

test('changes made offline, exported and imported (twice) into a fresh browser are sent exactly once', async ({
  app,
  browser,
  context,
  faults,
  server,
}) => {
  await context.setOffline(true);
  const created = [];
  for (const title of ['milk', 'bread']) {
    const answer = await restFetch(app, 'POST', '/api/todos', { title, done: false });
    expect(answer.status).toBe(201);
    created.push((answer.body as { id: string }).id);
  }
  expect((await restFetch(app, 'PATCH', `/api/todos/${created[0]}`, { done: true })).status).toBe(200);
  const exported = await app.evaluate(async () => (await window.syncClient.exportData()).text());

  const fresh = await browser.newContext();
  const device = await openApp(await fresh.newPage(), faults.url);
  await fresh.setOffline(true);
  const importFile = (text: string) =>
    device.evaluate((text) => window.syncClient.importData(new Blob([text])), text) as Promise<ImportSummary>;
  expect(await importFile(exported)).toMatchObject({ records: 2, mutations: 3, knownMutations: 0 });
  expect(await importFile(exported)).toMatchObject({ records: 0, mutations: 0, knownMutations: 3 });
  await expect(device.locator('#todos li')).toHaveText([/milk/, /bread/]);
  expect((await device.evaluate(() => window.syncClient.status())).pending).toBe(3);
  const refused = await device.evaluate(() =>
    window.syncClient.importData('{"format":"syncworker-export","version":99}').catch((error) => error.code),
  );
  expect(refused).toBe('unsupported_export_version');

  await fresh.setOffline(false);
  await device.evaluate(() => window.syncClient.syncNow());
  const titles = async () => (await server.records('todos')).map((row) => [row.data.title, row.data.done]).sort();
  expect(await titles()).toEqual([
    ['bread', false],
    ['milk', true],
  ]);
  expect(await server.appliedMutationCount()).toBe(3);
  expect((await device.evaluate(() => window.syncClient.status())).pending).toBe(0);

  // The same file again, and the old device coming back online: nothing is applied twice.
  expect(await importFile(exported)).toMatchObject({ mutations: 0, knownMutations: 3 });
  await device.evaluate(() => window.syncClient.syncNow());
  await context.setOffline(false);
  await app.evaluate(() => window.syncClient.syncNow());
  expect((await app.evaluate(() => window.syncClient.status())).pending).toBe(0);
  expect(await server.appliedMutationCount()).toBe(3);
  expect(await titles()).toEqual([
    ['bread', false],
    ['milk', true],
  ]);
  await fresh.close();
});

test('the debug panel saves the data as a file, and imports that file on another device', async ({
  app,
  browser,
  context,
  faults,
  server,
}) => {
  await context.setOffline(true);
  expect((await restFetch(app, 'POST', '/api/todos', { id: 'carried', title: 'in a file' })).status).toBe(201);
  await app.keyboard.press('Alt+Shift+KeyD');
  const [saved] = await Promise.all([
    app.waitForEvent('download'),
    app.locator('#syncworker-devtools').getByRole('button', { name: 'Export data' }).click(),
  ]);
  expect(saved.suggestedFilename()).toMatch(/^syncworker-anonymous-\d{4}-\d\d-\d\d\.json$/);
  const file = await saved.path();

  const fresh = await browser.newContext();
  const device = await openApp(await fresh.newPage(), faults.url);
  await device.keyboard.press('Alt+Shift+KeyD');
  const panel = device.locator('#syncworker-devtools');
  await panel.locator('input[type=file]').setInputFiles(file);
  await expect(panel.getByRole('status')).toHaveText('Imported 1 record and 1 unsent change');
  await expect(device.locator('#todos li .text')).toHaveText(['in a file']);
  await device.evaluate(() => window.syncClient.syncNow());
  expect((await server.records('todos')).map((row) => row.id)).toEqual(['carried']);
  expect(await server.appliedMutationCount()).toBe(1);

  await panel.locator('input[type=file]').setInputFiles({
    name: 'broken.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"format":'),
  });
  await expect(panel.getByRole('status')).toHaveText(/^Cannot import: /);
  await fresh.close();
});

test('imported changes survive the worker being stopped, and a push whose answer was lost applies them once', async ({
  app,
  browser,
  context,
  faults,
  server,
}) => {
  await context.setOffline(true);
  for (const id of ['first', 'second']) {
    expect((await restFetch(app, 'POST', '/api/todos', { id, title: id })).status).toBe(201);
  }
  const exported = await app.evaluate(async () => (await window.syncClient.exportData()).text());

  const fresh = await browser.newContext();
  const device = await openApp(await fresh.newPage(), faults.url);
  await fresh.setOffline(true);
  const summary = await device.evaluate((text) => window.syncClient.importData(text), exported);
  expect(summary).toMatchObject({ records: 2, mutations: 2 });
  expect(await readStore(device, 'importedOutbox')).toHaveLength(2);

  // Back online, the server commits the imported push but its answer is lost, and the browser
  // stops the worker meanwhile: the changes wait in IndexedDB, and the re-sent push changes nothing.
  faults.dropResponses('/sync/push', 1);
  await fresh.setOffline(false);
  await stopServiceWorkers(device);
  await expect
    .poll(async () => {
      await device.evaluate(() => window.syncClient.syncNow().catch(() => undefined));
      return (await readStore(device, 'importedOutbox')).length;
    })
    .toBe(0);
  expect(faults.exchangesTo('/sync/push').some((push) => push.wasDropped)).toBe(true);
  expect(await server.appliedMutationCount()).toBe(2);
  expect((await server.records('todos')).map((row) => row.id).sort()).toEqual(['first', 'second']);
  await fresh.close();
});
