import { openApp } from './fixtures/browser.ts';
import { expect, test } from './fixtures/test.ts';

test('notes posted in one window reach another device’s window live, both ways, deletes too', async ({
  app,
  browser,
  faults,
}) => {
  const otherDevice = await browser.newContext();
  const other = await openApp(await otherDevice.newPage(), faults.url);

  await app.getByLabel('New note').fill('Standup moved to 10:30');
  await app.getByLabel('New note').press('Enter');
  // No reload and no syncNow: the server's realtime poke makes the other window pull.
  const arrived = other.locator('#notes li', { hasText: 'Standup moved to 10:30' });
  await expect(arrived.locator('.mark')).toHaveText('Synced');

  await other.getByLabel('New note').fill('Thanks, noted');
  await other.getByLabel('New note').press('Enter');
  await expect(app.locator('#notes li')).toHaveText([/Thanks, noted/, /Standup moved to 10:30/]);
  await expect(app.locator('#notes-count')).toHaveText('2 notes');

  await arrived.getByRole('button', { name: 'Delete note: Standup moved to 10:30' }).click();
  await expect(app.locator('#notes li')).toHaveText([/Thanks, noted/]);
  await otherDevice.close();
});
