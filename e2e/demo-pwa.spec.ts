import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { openApp } from './fixtures/browser.ts';
import { expect, test } from './fixtures/test.ts';

interface Manifest {
  start_url: string;
  display: string;
  icons: { src: string; sizes: string; purpose?: string }[];
}

test('Chromium finds the demo installable: a valid manifest, icons and a worker controlling the page', async ({
  faults,
}, testInfo) => {
  // Chromium never offers to install from an incognito profile, which every Playwright context is but a persistent one.
  const profile = await mkdtemp(join(tmpdir(), 'syncworker-pwa-'));
  const context = await chromium.launchPersistentContext(profile, testInfo.project.use.launchOptions ?? {});
  const app = await openApp(context.pages()[0] ?? (await context.newPage()), faults.url);
  await app.waitForFunction(() => navigator.serviceWorker.controller !== null);
  const cdp = await context.newCDPSession(app);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  expect(installabilityErrors).toEqual([]);
  const { errors, url } = await cdp.send('Page.getAppManifest');
  expect(errors).toEqual([]);
  expect(new URL(url).pathname).toBe('/manifest.webmanifest');
  await cdp.detach();
  // The browser's install offer reaches the app, which shows its own Install button.
  await expect(app.getByRole('button', { name: 'Install app' })).toBeVisible();

  const manifest = (await (await app.request.get(url)).json()) as Manifest;
  expect(manifest.display).toBe('standalone');
  expect(manifest.icons.map((icon) => icon.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
  expect(manifest.icons.some((icon) => icon.purpose === 'maskable')).toBe(true);
  for (const icon of manifest.icons) expect((await app.request.get(new URL(icon.src, url).href)).ok()).toBe(true);
  const favicon = await app.request.get(new URL('/favicon.ico', url).href);
  expect([favicon.status(), favicon.headers()['content-type']]).toEqual([200, 'image/x-icon']);
  expect(await app.locator('meta[name=theme-color]').first().getAttribute('content')).toBe('#4338ca');
  await context.close();
  await rm(profile, { recursive: true, force: true });
});

test('the installed app’s start URL opens offline, styled, with its data', async ({ app, context }) => {
  await app.fill('input[name=title]', 'written before going offline');
  await app.press('input[name=title]', 'Enter');
  await expect(app.locator('#todos li')).toHaveText([/written before going offline/]);
  const manifestUrl = await app.locator('link[rel=manifest]').evaluate((link: HTMLLinkElement) => link.href);
  const manifest = (await (await app.request.get(manifestUrl)).json()) as Manifest;

  await context.setOffline(true);
  await app.goto(new URL(manifest.start_url, manifestUrl).href);
  await app.waitForFunction(() => window.syncClient !== undefined);
  await expect(app.locator('#todos li')).toHaveText([/written before going offline/]);
  await expect(app.locator('#status')).toHaveText(/Offline/);
  // The stylesheet and the icons came from the worker's cache.
  expect(
    await app
      .locator('.card')
      .first()
      .evaluate((card) => getComputedStyle(card).borderTopLeftRadius),
  ).toBe('12px');
  expect(await app.locator('.brand img').evaluate((image: HTMLImageElement) => image.naturalWidth)).toBeGreaterThan(0);
  const icon = await app.evaluate(async () => (await fetch('/icons/icon-192.png')).status);
  expect(icon).toBe(200);
});
