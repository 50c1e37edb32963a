import type { SyncClient } from '../sync-client.ts';
import { copyText } from './clipboard.ts';
import { dataTransferTools } from './data-transfer.ts';
import { Dock, type DockSide } from './dock.ts';
import { button, h, labelled } from './dom.ts';
import { createLogFilter } from './log-filter.ts';
import { PANEL_CSS } from './styles.ts';
import type { ViewContext } from './view-context.ts';
import { renderView, VIEWS, type View } from './views.ts';

/** How long a "copied" notice stays. */
const NOTICE_MS = 3000;

export interface DevtoolsHandle {
  /** Shows one of the views. */
  show(view: View): Promise<void>;
  /** Docks the panel to the right or bottom edge (remembered, like its size). */
  dock(side: DockSide): void;
  /** Removes the panel and gives the page its room back. */
  close(): void;
  /** The element holding the panel's shadow root. */
  readonly host: HTMLElement;
}

/**
 * Opens the debug panel in a shadow root, docked to the right or bottom edge of the window:
 * status, outbox (retry, discard), dead letters, collection browser, sync log (filterable),
 * a timeline of sync runs, conflicts, and a toggle that pauses network sync. The page is
 * padded by the panel's size so nothing of the app is underneath it; drag the panel's edge
 * to resize it. Rows open to show their data in full and copy it as JSON. Data is rendered
 * as text only.
 */
export function mountDevtools(client: SyncClient, options: { view?: View } = {}): DevtoolsHandle {
  const host = h('div', { attrs: { id: 'syncworker-devtools' } });
  const root = host.attachShadow({ mode: 'open' });
  let view: View = options.view ?? 'status';
  let rendering = Promise.resolve();
  let noticeTimer: ReturnType<typeof setTimeout> | undefined;

  const pill = h('span', { class: 'pill' }, '…');
  const notice = h('span', { class: 'notice', attrs: { role: 'status' } });
  const pauseButton = button('Pause', () => void togglePause());
  const dockButton = button('', () => setDock(dock.side === 'right' ? 'bottom' : 'right'));
  const tabs = VIEWS.map((name) =>
    h(
      'button',
      { attrs: { type: 'button', role: 'tab', 'data-view': name }, onClick: () => void show(name) },
      name,
      h('span', { class: 'badge' }),
    ),
  );
  const toolbar = h('div', { class: 'view-tools' });
  const main = h('main', { attrs: { role: 'tabpanel' } });
  const handle = h('div', { class: 'handle' });
  const panel = h(
    'section',
    { class: 'panel', attrs: { role: 'dialog', 'aria-label': 'syncworker devtools' } },
    handle,
    h(
      'header',
      {},
      h('strong', {}, 'syncworker'),
      pill,
      notice,
      pauseButton,
      labelled(
        button('Sync', () => void client.syncNow().catch(() => undefined)),
        'Sync now',
      ),
      dockButton,
      labelled(
        button('×', () => close()),
        'Close',
      ),
    ),
    h('nav', { attrs: { role: 'tablist' } }, ...tabs),
    toolbar,
    main,
  );
  root.append(h('style', {}, PANEL_CSS), panel);
  document.body.append(host);
  const dock = new Dock(panel, handle);
  labelDockButton();

  const context: ViewContext = {
    client,
    collection: null,
    expanded: new Set(),
    logFilter: createLogFilter(() => void render()),
    refresh: () => void render(),
    selectCollection: (name) => {
      context.collection = name;
      void render();
    },
    copy: (json, label) => {
      copyText(json, root).then(
        () => tell(`Copied ${label} as JSON`),
        (error: unknown) => tell(`Cannot copy: ${error instanceof Error ? error.message : String(error)}`),
      );
    },
  };

  const transferTools = dataTransferTools(client, root, tell, () => void render());

  function tell(text: string): void {
    notice.textContent = text;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => {
      notice.textContent = '';
    }, NOTICE_MS);
  }

  function setDock(side: DockSide): void {
    dock.setSide(side);
    labelDockButton();
  }

  function labelDockButton(): void {
    const other = dock.side === 'right' ? 'bottom' : 'right';
    dockButton.textContent = dock.side === 'right' ? '⬓' : '◨';
    labelled(dockButton, `Dock to the ${other}`);
  }

  async function togglePause(): Promise<void> {
    const status = await client.status();
    await (status.pausedReason === 'manual' ? client.resume() : client.pause());
    await render();
  }

  function render(): Promise<void> {
    rendering = rendering.then(async () => {
      for (const tab of tabs) tab.setAttribute('aria-selected', String(tab.dataset.view === view));
      const status = await client.status();
      const state = status.pausedReason
        ? 'paused'
        : navigator.onLine
          ? status.isSyncing
            ? 'syncing'
            : 'online'
          : 'offline';
      pill.textContent = state;
      pill.className = `pill ${state}`;
      const isPaused = status.pausedReason === 'manual';
      pauseButton.textContent = isPaused ? 'Resume' : 'Pause';
      labelled(pauseButton, isPaused ? 'Resume sync' : 'Pause sync');
      const counts: Partial<Record<View, number>> = { outbox: status.pending, 'dead letters': status.deadLetters };
      for (const tab of tabs) {
        const count = counts[tab.dataset.view as View] ?? 0;
        const badge = tab.querySelector('.badge');
        if (badge) badge.textContent = count > 0 ? String(count) : '';
      }
      const tools = view === 'log' ? context.logFilter.element : view === 'status' ? transferTools : null;
      if (toolbar.firstChild !== tools) toolbar.replaceChildren(...(tools ? [tools] : []));
      main.replaceChildren(await renderView(view, context));
    });
    return rendering.catch((error: unknown) =>
      main.replaceChildren(h('p', { class: 'empty' }, `Cannot show ${view}: ${String(error)}`)),
    );
  }

  async function show(next: View): Promise<void> {
    view = next;
    await render();
  }

  const stops = (['status', 'changed', 'outcomes'] as const).map((type) => client.on(type, () => void render()));
  function close(): void {
    for (const stop of stops) stop();
    clearTimeout(noticeTimer);
    dock.close();
    host.remove();
  }

  void render();
  return { show, dock: setDock, close, host };
}
