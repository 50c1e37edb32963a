import type { Page } from '@playwright/test';
import { strictDemoCollections } from '../demo/schema.ts';
import type { CollectionSchemas } from '../server/index.ts';
import { restFetch } from './fixtures/browser.ts';
import { expect, test } from './fixtures/test.ts';

const schema: CollectionSchemas = strictDemoCollections;

test.use({ serverOptions: { collections: schema }, viewport: { width: 1000, height: 720 }, colorScheme: 'light' });

/** Clock times change from run to run: they are masked. A lost mark or button (about 1,000 pixels) fails the match. */
const volatile = (app: Page) => ({ mask: [app.locator('time')], fullPage: true, maxDiffPixelRatio: 0.001 });

async function add(app: Page, label: 'New todo' | 'New note', text: string): Promise<void> {
  await app.getByLabel(label).fill(text);
  await app.getByLabel(label).press('Enter');
  await expect(app.locator('li', { hasText: text })).toHaveCount(1);
}

async function fillIn(app: Page): Promise<void> {
  for (const title of ['Buy oat milk', 'Renew passport', 'Book flights to Lisbon']) await add(app, 'New todo', title);
  await app.locator('#todos li', { hasText: 'Renew passport' }).getByRole('checkbox').check();
  for (const text of ['Wi-Fi password is on the fridge', 'Standup moved to 10:30']) await add(app, 'New note', text);
  await expect(app.locator('li .mark')).toHaveText(Array(5).fill('Synced'));
  await expect(app.locator('#status')).toHaveText(/^Synced at/);
  await app.locator(':focus').blur();
}

test('the demo online: everything synced', async ({ app }) => {
  await fillIn(app);
  await expect(app).toHaveScreenshot('online.png', volatile(app));
  await app.setViewportSize({ width: 390, height: 844 });
  await expect(app).toHaveScreenshot('online-narrow.png', volatile(app));
  await app.emulateMedia({ colorScheme: 'dark' });
  await expect(app).toHaveScreenshot('online-narrow-dark.png', volatile(app));
});

test('the demo offline with changes waiting', async ({ app, server, context }) => {
  await fillIn(app);
  await server.stop();
  await context.setOffline(true);
  await add(app, 'New todo', 'Call the bank');
  await add(app, 'New note', 'Written on the train');
  await expect(app.locator('li .mark', { hasText: 'Waiting to sync' })).toHaveCount(2);
  await expect(app.locator('#status')).toHaveText('Offline · 2 changes saved on this device');
  await app.locator(':focus').blur();
  await expect(app).toHaveScreenshot('offline-pending.png', volatile(app));
});

test('the demo with a write the server refused', async ({ app }) => {
  await fillIn(app);
  await restFetch(app, 'POST', '/api/todos', { title: 'Pay rent', done: false, createdAt: Date.now(), due: 'Friday' });
  await expect(app.locator('#todos li', { hasText: 'Pay rent' }).locator('.mark')).toHaveText('Rejected');
  await expect(app.locator('#notices')).toContainText('refused');
  await expect(app).toHaveScreenshot('rejected.png', volatile(app));
});
