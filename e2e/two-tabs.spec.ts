import { restFetch } from './fixtures/browser.ts';
import { expect, test } from './fixtures/test.ts';

test('two tabs of the app see each other’s writes, online or offline', async ({ app, newTab, server, context }) => {
  const other = await newTab();

  await app.fill('input[name=title]', 'written in tab A');
  await app.press('input[name=title]', 'Enter');
  await expect(other.locator('#todos li')).toHaveText([/written in tab A/]);

  await server.stop();
  await context.setOffline(true);
  await other.fill('input[name=title]', 'written offline in tab B');
  await other.press('input[name=title]', 'Enter');
  await expect(app.locator('#todos li')).toHaveText([/written in tab A/, /written offline in tab B/]);

  const fromA = await restFetch(app, 'GET', '/api/todos');
  expect((fromA.body as { title: string }[]).map((todo) => todo.title).sort()).toEqual([
    'written in tab A',
    'written offline in tab B',
  ]);

  await context.setOffline(false);
  await server.restart();
  await other.evaluate(() => window.syncClient.syncNow());
  expect((await server.records('todos')).map((row) => row.data.title).sort()).toEqual([
    'written in tab A',
    'written offline in tab B',
  ]);
});
