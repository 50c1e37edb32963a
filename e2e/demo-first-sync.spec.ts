import { openApp } from './fixtures/browser.ts';
import { seedServer } from './fixtures/seeding.ts';
import { expect, test } from './fixtures/test.ts';

test('a first sync of thousands of records shows a progress bar until the last page arrives', async ({
  page,
  server,
  faults,
}) => {
  await seedServer(server, 3500);
  // Slow pages keep the download on screen long enough to look at; the pages themselves are unchanged.
  faults.delayRequests('/sync/pull', 1000);
  const app = await openApp(page, faults.url);

  const progress = app.locator('#first-sync');
  await expect(progress).toBeVisible();
  await expect(progress.getByRole('progressbar', { name: /Downloading your data/ })).toBeVisible();
  await expect(progress).toHaveText(/Downloading your data: \d,\d{3} records so far…/);
  await expect(progress).toBeHidden();
  await expect(app.locator('#todos li')).toHaveCount(3500);
  await expect(app.locator('#status')).toHaveText(/^Synced at/);
});
