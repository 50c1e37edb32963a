import { expect, test } from './fixtures/test.ts';

test('an edit made offline while another device changed the same todo is marked merged, with both changes', async ({
  app,
  server,
  context,
}) => {
  await app.getByLabel('New todo').fill('plan the trip');
  await app.getByLabel('New todo').press('Enter');
  const row = app.locator('#todos li', { hasText: 'plan the trip' });
  await expect(row.locator('.mark')).toHaveText('Synced');
  const id = (await row.getAttribute('data-id')) ?? '';

  await context.setOffline(true);
  await row.getByRole('checkbox').check();
  await expect(row.locator('.mark')).toHaveText('Waiting to sync');
  // Meanwhile another device renames it on the server.
  const renamed = await server.push({
    clientId: 'c-other-device',
    mutations: [
      {
        seq: 1,
        id: 'm-rename',
        collection: 'todos',
        op: 'update',
        recordId: id,
        data: { title: 'plan the trip to Lisbon' },
        baseVersion: 1,
        at: Date.now(),
      },
    ],
  });
  expect(renamed.status).toBe(200);

  await context.setOffline(false);
  const merged = app.locator('#todos li', { hasText: 'plan the trip to Lisbon' });
  await expect(merged.locator('.mark')).toHaveText('Merged');
  await expect(merged.getByRole('checkbox')).toBeChecked();
  const [stored] = await server.records('todos');
  expect([stored?.data.title, stored?.data.done]).toEqual(['plan the trip to Lisbon', true]);
});
