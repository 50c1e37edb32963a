import type { Locator, Page } from '@playwright/test';
import { readStore } from './fixtures/browser.ts';
import { expect, test } from './fixtures/test.ts';

test.use({
  serverOptions: {
    collections: {
      // Stricter than the demo worker's schema (which knows no rank), so the server rejects what the worker took.
      todos: { schema: { type: 'object', properties: { title: { type: 'string' }, rank: { type: 'integer' } } } },
    },
  },
  viewport: { width: 1280, height: 720 },
});

const XSS_IMG = '<img src=x onerror="window.__xss = 1">';
const XSS_SCRIPT = '<script>window.__xss = 2</script>';
const VIEWS = ['status', 'outbox', 'dead letters', 'collections', 'log', 'timeline', 'conflicts'];
/** The two window widths every view is pictured at. */
const WIDTHS = [1280, 800];

const todos = (page: Page) => ({
  put: (record: Record<string, unknown>) =>
    page.evaluate((r) => window.syncClient.collection('todos').put(r as { id: string }), record),
  patch: (id: string, fields: Record<string, unknown>) =>
    page.evaluate(([i, f]) => window.syncClient.collection('todos').patch(i as string, f as object), [id, fields]),
});

const dialog = (page: Page) =>
  page.locator('#syncworker-devtools').getByRole('dialog', { name: 'syncworker devtools' });

/** Toggles the panel with its keyboard shortcut and waits for it to open or close. */
async function togglePanel(page: Page, isOpen: boolean): Promise<void> {
  await page.keyboard.press('Alt+Shift+KeyD');
  await expect(page.locator('#syncworker-devtools')).toHaveCount(isOpen ? 1 : 0);
}

/** The app's visible controls (outside the panel) whose centre is not the control itself, after scrolling each into view. */
function coveredControls(page: Page): Promise<{ checked: number; covered: string[] }> {
  return page.evaluate(() => {
    const controls = [...document.querySelectorAll<HTMLElement>('button, input, select, textarea, a[href]')].filter(
      (control) => !control.closest('#syncworker-devtools') && control.checkVisibility({ opacityProperty: true }),
    );
    const covered: string[] = [];
    for (const control of controls) {
      control.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      const box = control.getBoundingClientRect();
      const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
      if (!hit || !control.contains(hit)) covered.push(control.outerHTML.slice(0, 80));
    }
    return { checked: controls.length, covered };
  });
}

const paddingOfPage = (page: Page, side: 'right' | 'bottom') =>
  page.evaluate((s) => document.documentElement.style.getPropertyValue(`padding-${s}`), side);

const sizeOf = async (locator: Locator) => {
  const box = await locator.boundingBox();
  if (!box) throw new Error('not visible');
  return box;
};

test('the devtools panel shows every view as text, at two widths, and acts on the outbox and dead letters', async ({
  page,
  faults,
  server,
}) => {
  // Fifteen screenshots on a shared machine.
  test.setTimeout(120_000);
  await page.goto(`${faults.url}/?syncworker-devtools`);
  await page.waitForFunction(() => window.syncClient !== undefined);
  const panel = page.locator('#syncworker-devtools');
  await expect(dialog(page)).toBeVisible();
  // Each step waits for its sync run to end, so the runs and the log read the same in every run.
  const settled = async () => {
    await expect.poll(() => readStore(page, 'outbox')).toHaveLength(0);
    await page.evaluate(() => window.syncClient.syncNow());
  };
  await settled();

  // A conflict, a rejection, then pending changes made while sync is paused from the panel.
  await todos(page).put({ id: 'c1', title: 'conflicted' });
  await settled();
  // Paused, so the other device's change is not pulled before the local edit that conflicts with it.
  await page.evaluate(() => window.syncClient.pause());
  await server.push({
    clientId: 'other',
    mutations: [
      {
        seq: 1,
        id: 'o1',
        collection: 'todos',
        op: 'update',
        recordId: 'c1',
        data: { done: true },
        baseVersion: 1,
        at: 1,
      },
    ],
  });
  await todos(page).patch('c1', { title: 'mine' });
  await page.evaluate(() => window.syncClient.resume());
  await settled();
  await todos(page).put({ id: 'd1', title: 'ranked', rank: 'high' });
  await expect.poll(() => readStore(page, 'deadLetters')).toHaveLength(1);
  await settled();

  await panel.getByRole('button', { name: 'Pause sync' }).click();
  await expect(panel.getByRole('button', { name: 'Resume sync' })).toBeVisible();
  await todos(page).put({ id: 'x1', title: XSS_IMG, note: 'a long note that does not fit the data column '.repeat(4) });
  await todos(page).put({ id: 'x2', title: XSS_SCRIPT });
  await expect.poll(() => readStore(page, 'outbox')).toHaveLength(2);
  expect(await server.records('todos').then((rows) => rows.map((row) => row.id))).toEqual(['c1']);

  const mask = [panel.locator('[data-volatile]')];
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 720 });
    // Opened afresh at this width, so it takes its default size for it.
    await togglePanel(page, false);
    await togglePanel(page, true);
    for (const view of VIEWS) {
      await panel.getByRole('tab', { name: view }).click();
      await expect(panel.getByRole('tab', { name: view })).toHaveAttribute('aria-selected', 'true');
      await expect(panel.locator('main')).not.toBeEmpty();
      await expect(dialog(page)).toHaveScreenshot(`${view.replace(' ', '-')}-${width}.png`, { mask });
    }
    // A row opened in full: the long data pretty-printed, not squeezed.
    await panel.getByRole('tab', { name: 'collections' }).click();
    await panel.getByRole('button', { name: 'Details of record x1' }).click();
    await expect(panel.locator('tr.details pre')).toContainText('"note": "a long note');
    await expect(dialog(page)).toHaveScreenshot(`collections-details-${width}.png`, { mask });
  }

  // Docked at the bottom, the wide panel draws the timeline across the window.
  await panel.getByRole('button', { name: 'Dock to the bottom' }).click();
  await panel.getByRole('tab', { name: 'timeline' }).click();
  await expect(dialog(page)).toHaveScreenshot('timeline-bottom-800.png', { mask });
  await panel.getByRole('button', { name: 'Dock to the right' }).click();

  // Data is shown as text and runs nothing, in the table and opened in full (x1 stayed open).
  await panel.getByRole('tab', { name: 'collections' }).click();
  await expect(panel.locator('td code', { hasText: '"title":"<img src=x onerror=' })).toHaveCount(1);
  await expect(panel.locator('td code', { hasText: XSS_SCRIPT })).toHaveCount(1);
  await expect(panel.locator('tr.details pre')).toContainText(`"title": "${XSS_IMG.replaceAll('"', '\\"')}"`);
  expect(await panel.locator('img, script').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();

  // Discard drops the pending change and restores the record (here: removes the unsynced one);
  // its seq stays queued as a skip, so later mutations are not held up by a hole.
  await panel.getByRole('tab', { name: 'outbox' }).click();
  await panel
    .getByRole('row', { name: /todos\/x2/ })
    .getByRole('button', { name: 'Discard' })
    .click();
  await expect
    .poll(() =>
      readStore<{ recordId: string; op: string }>(page, 'outbox').then((entries) =>
        entries.map((e) => (e.op === 'skip' ? 'skip' : e.recordId)),
      ),
    )
    .toEqual(['x1', 'skip']);
  expect((await readStore<{ id: string }>(page, 'todos')).map((todo) => todo.id)).not.toContain('x2');

  // Retry pushes at once, ignoring the backoff a 429 asked for.
  faults.failRequests('/sync/push', {
    status: 429,
    headers: { 'Retry-After': '600' },
    body: { error: { code: 'rate_limited', message: 'later' } },
  });
  await panel.getByRole('button', { name: 'Resume sync' }).click();
  await expect.poll(() => faults.exchangesTo('/sync/push').filter((push) => push.status === 429).length).toBe(1);
  await panel
    .getByRole('row', { name: /todos\/x1/ })
    .getByRole('button', { name: 'Retry' })
    .click();
  await expect.poll(() => readStore(page, 'outbox')).toHaveLength(0);
  expect((await server.records('todos')).map((row) => row.id)).toEqual(['c1', 'x1']);

  // The timeline lists the run the 429 stopped, and the run that pushed x1 afterwards.
  await panel.getByRole('tab', { name: 'timeline' }).click();
  await expect(panel.getByRole('row', { name: /rate_limited/ })).toHaveCount(1);

  // Dead letters: discard.
  await panel.getByRole('tab', { name: 'dead letters' }).click();
  await panel.getByRole('button', { name: 'Discard' }).click();
  await expect.poll(() => readStore(page, 'deadLetters')).toHaveLength(0);
});

test('the docked panel leaves the app uncovered, resizes, docks to the bottom and remembers both', async ({ app }) => {
  for (const title of ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight']) {
    await app.getByRole('textbox').first().fill(title);
    await app.getByRole('textbox').first().press('Enter');
  }
  await expect(app.locator('#todos li')).toHaveCount(8);
  for (const width of WIDTHS) {
    await app.setViewportSize({ width, height: 600 });
    await togglePanel(app, true);
    const { checked, covered } = await coveredControls(app);
    expect(checked).toBeGreaterThan(8);
    expect(covered).toEqual([]);
    const box = await sizeOf(dialog(app));
    expect(box.x + box.width).toBe(width);
    expect(await paddingOfPage(app, 'right')).toBe(`${box.width}px`);
    await togglePanel(app, false);
    expect(await paddingOfPage(app, 'right')).toBe('');
  }

  // Drag the panel's edge 120 px to the left: it grows by that much, and so does the page's room.
  await togglePanel(app, true);
  const before = await sizeOf(dialog(app));
  const handle = dialog(app).getByRole('separator', { name: 'Resize the panel' });
  const grip = await sizeOf(handle);
  await app.mouse.move(grip.x + grip.width / 2, grip.y + grip.height / 2);
  await app.mouse.down();
  await app.mouse.move(grip.x + grip.width / 2 - 60, grip.y + 100);
  await app.mouse.move(grip.x + grip.width / 2 - 120, grip.y + 100);
  await app.mouse.up();
  const wider = await sizeOf(dialog(app));
  expect(Math.round(wider.width)).toBe(Math.round(before.width) + 120);
  expect(await paddingOfPage(app, 'right')).toBe(`${Math.round(wider.width)}px`);
  expect((await coveredControls(app)).covered).toEqual([]);

  // Docked at the bottom: the page is padded below instead, and the keyboard resizes too.
  await dialog(app).getByRole('button', { name: 'Dock to the bottom' }).click();
  const docked = await sizeOf(dialog(app));
  expect(docked).toMatchObject({ x: 0, width: 800 });
  expect(docked.y + docked.height).toBe(600);
  expect(await paddingOfPage(app, 'right')).toBe('');
  expect(await paddingOfPage(app, 'bottom')).toBe(`${docked.height}px`);
  expect((await coveredControls(app)).covered).toEqual([]);
  await handle.press('ArrowUp');
  const taller = await sizeOf(dialog(app));
  expect(taller.height).toBe(docked.height + 24);

  // Closed and opened again after a reload: same edge, same size.
  await app.reload();
  await app.waitForFunction(() => window.syncClient !== undefined);
  await togglePanel(app, true);
  expect(await sizeOf(dialog(app))).toEqual(taller);
  await dialog(app).getByRole('button', { name: 'Dock to the right' }).click();
  expect(Math.round((await sizeOf(dialog(app))).width)).toBe(Math.round(wider.width));
});

test('on a phone-sized window the panel docks at the bottom, leaving the app its full width', async ({ app }) => {
  await app.setViewportSize({ width: 390, height: 800 });
  await togglePanel(app, true);
  const box = await sizeOf(dialog(app));
  expect({ x: box.x, width: box.width, bottom: box.y + box.height }).toEqual({ x: 0, width: 390, bottom: 800 });
  expect(await paddingOfPage(app, 'right')).toBe('');
  expect(await paddingOfPage(app, 'bottom')).toBe(`${box.height}px`);
  expect((await coveredControls(app)).covered).toEqual([]);
});

test('the log filters by text and kind', async ({ app }) => {
  await todos(app).put({ id: 'apple', title: 'fine' });
  await todos(app).put({ id: 'banana', title: 'ranked', rank: 'high' });
  await expect.poll(() => readStore(app, 'deadLetters')).toHaveLength(1);
  await expect.poll(() => readStore(app, 'outbox')).toHaveLength(0);
  await togglePanel(app, true);
  const panel = app.locator('#syncworker-devtools');
  await panel.getByRole('tab', { name: 'log' }).click();
  const kinds = panel.locator('tbody tr:not(.details) .kind');
  await expect(kinds.filter({ hasText: 'rejected' })).toHaveCount(1);
  expect(await kinds.count()).toBeGreaterThan(2);

  const text = panel.getByRole('searchbox', { name: 'Filter the log' });
  await text.fill('BANANA');
  await expect(kinds).toHaveText(['rejected']);
  await text.fill('no such thing');
  await expect(panel.getByText('No entry matches the filter.')).toBeVisible();

  await text.fill('');
  await panel.getByRole('combobox', { name: 'Kind' }).selectOption('run');
  await expect(kinds.first()).toHaveText('run');
  expect(new Set(await kinds.allTextContents())).toEqual(new Set(['run']));
  await panel.getByRole('combobox', { name: 'Kind' }).selectOption('problems');
  await expect(kinds).toHaveText(['rejected']);
  // The filter outlives re-renders: a status change does not reset it.
  await todos(app).put({ id: 'cherry', title: 'fine' });
  await expect.poll(() => readStore(app, 'outbox')).toHaveLength(0);
  await expect(kinds).toHaveText(['rejected']);
  await expect(panel.getByRole('combobox', { name: 'Kind' })).toHaveValue('problems');
});

test('a mutation and a record are copied to the clipboard as JSON', async ({ app, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await app.evaluate(() => window.syncClient.pause());
  await todos(app).put({ id: 'copied', title: XSS_IMG });
  await togglePanel(app, true);
  const panel = app.locator('#syncworker-devtools');
  const clipboard = () => app.evaluate(() => navigator.clipboard.readText());

  await panel.getByRole('tab', { name: 'outbox' }).click();
  await panel.getByRole('button', { name: 'Details of mutation 1' }).click();
  await panel.getByRole('button', { name: 'Copy JSON' }).click();
  await expect(panel.getByRole('status')).toHaveText('Copied mutation 1 as JSON');
  expect(JSON.parse(await clipboard())).toMatchObject({
    seq: 1,
    op: 'create',
    collection: 'todos',
    recordId: 'copied',
    data: { title: XSS_IMG },
  });

  await panel.getByRole('tab', { name: 'collections' }).click();
  await panel.getByRole('button', { name: 'Details of record copied' }).click();
  // Without the Clipboard API the copy command takes over.
  await app.evaluate(() => {
    navigator.clipboard.writeText = () => Promise.reject(new Error('refused'));
  });
  await panel.getByRole('button', { name: 'Copy JSON' }).click();
  await expect(panel.getByRole('status')).toHaveText('Copied record copied as JSON');
  expect(JSON.parse(await clipboard())).toEqual({ id: 'copied', title: XSS_IMG });
  expect(await panel.locator('img').count()).toBe(0);
  expect(await app.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
});

test('the keyboard shortcut toggles the panel and closing it gives the page its room back', async ({ app }) => {
  await app.evaluate(() => document.documentElement.style.setProperty('padding-right', '3px'));
  await expect(app.locator('#syncworker-devtools')).toHaveCount(0);
  await togglePanel(app, true);
  await expect(dialog(app)).toBeVisible();
  expect(await paddingOfPage(app, 'right')).not.toBe('3px');
  await togglePanel(app, false);
  expect(await paddingOfPage(app, 'right')).toBe('3px');
});
