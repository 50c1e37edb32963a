import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import type { ConnectOptions } from '../src/index.ts';
import { restFetch } from './fixtures/browser.ts';
import { TestSyncServer } from './fixtures/sync-server.ts';

declare global {
  interface Window {
    /** The script-tag build's global. */
    SyncWorker: typeof import('../src/script-tag.ts');
  }
}

const DIST = join(import.meta.dirname, '../dist');

/** Files the tests register: an ES-module worker, and one whose install always fails. */
const FILES: Record<string, string> = {
  'index.html': '<!doctype html><title>registration</title><script src="/syncworker.iife.js"></script>',
  // A module worker: the `import` statement is a syntax error in a classic one.
  'module-sw.js': "import '/syncworker-sw.js';\n",
  'failing-install-sw.js':
    "self.addEventListener('install', (event) => event.waitUntil(Promise.reject(new Error('no'))));\n",
};

const config: ConnectOptions['config'] = { routes: { '/api/todos': 'todos' } };

// One sync server for the file: its tests run in one worker, in order.
test.describe.configure({ mode: 'default' });

let dir: string;
let server: TestSyncServer;

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'syncworker-registration-'));
  for (const file of ['syncworker.iife.js', 'syncworker-sw.js']) await copyFile(join(DIST, file), join(dir, file));
  for (const [file, text] of Object.entries(FILES)) await writeFile(join(dir, file), text);
  server = await TestSyncServer.start({ staticDir: dir });
});

test.afterAll(async () => {
  await server.dispose();
  await rm(dir, { recursive: true, force: true });
});

interface ConnectOutcome {
  connected: boolean;
  error?: { name: string; code: string | undefined; message: string };
}

/** Calls `connect()` in the page and tells whether it resolved, or what it threw. */
function connectIn(page: Page, options: ConnectOptions): Promise<ConnectOutcome> {
  return page.evaluate(async (options) => {
    try {
      await window.SyncWorker.connect(options);
      return { connected: true };
    } catch (error) {
      const { name, code, message } = error as { name: string; code?: string; message: string };
      return { connected: false, error: { name, code, message } };
    }
  }, options);
}

/** The `connect()` outcome of a registration the browser refuses: a SyncError whose message holds `hint`. */
function registrationFailure(hint: string): unknown {
  return {
    connected: false,
    error: { name: 'SyncError', code: 'worker_registration_failed', message: expect.stringContaining(hint) },
  };
}

test('connect() registers an ES-module worker with serviceWorkerType "module", which answers and syncs', async ({
  page,
}) => {
  await page.goto(`http://127.0.0.1:${server.port}/`);
  expect(await connectIn(page, { serviceWorkerUrl: '/module-sw.js', serviceWorkerType: 'module', config })).toEqual({
    connected: true,
  });
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toContain('/module-sw.js?config=');

  const created = await restFetch(page, 'POST', '/api/todos', { id: 'from-module-worker', title: 'milk' });
  expect(created.status).toBe(201);
  expect(created.headers['x-sync-pending']).toBeDefined();
  await expect
    .poll(() => server.records('todos').then((rows) => rows.map((row) => row.id)))
    .toEqual(['from-module-worker']);
});

test('a module worker registered as classic fails with worker_registration_failed and says to pass serviceWorkerType', async ({
  page,
}) => {
  await page.goto(`http://127.0.0.1:${server.port}/`);
  expect(await connectIn(page, { serviceWorkerUrl: '/module-sw.js', config })).toEqual(
    registrationFailure("pass serviceWorkerType: 'module'"),
  );
});

test('a worker script the server does not have fails with worker_registration_failed', async ({ page }) => {
  await page.goto(`http://127.0.0.1:${server.port}/`);
  expect(await connectIn(page, { serviceWorkerUrl: '/no-such-sw.js' })).toEqual(
    registrationFailure('check serviceWorkerUrl'),
  );
});

test('a worker whose install fails rejects connect() with worker_registration_failed instead of waiting forever', async ({
  page,
}) => {
  await page.goto(`http://127.0.0.1:${server.port}/`);
  const outcome = await connectIn(page, { serviceWorkerUrl: '/failing-install-sw.js', config });
  expect(outcome).toEqual(registrationFailure('failed to install'));
  expect(outcome.error?.message).not.toContain('config=');
});
