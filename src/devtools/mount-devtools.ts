import type { SyncClient } from '../sync-client.ts';
import { button, h } from './dom.ts';
import { PANEL_CSS } from './styles.ts';
import { renderView, VIEWS, type View } from './views.ts';

export interface DevtoolsHandle {
  /** Shows one of the views. */
  show(view: View): Promise<void>;
  /** Removes the panel. */
  close(): void;
  /** The element holding the panel's shadow root. */
  readonly host: HTMLElement;
}

/**
 * Opens the debug panel in a shadow root: status, outbox (retry, discard), dead letters,
 * collection browser, sync log, conflicts, and a toggle that pauses network sync.
 * Data is rendered as text only.
 */
export function mountDevtools(client: SyncClient, options: { view?: View } = {}): DevtoolsHandle {
  const host = h('div', { attrs: { id: 'syncworker-devtools' } });
  const root = host.attachShadow({ mode: 'open' });
  let view: View = options.view ?? 'status';
  let collection: string | null = null;
  let rendering = Promise.resolve();

  const pill = h('span', { class: 'pill' }, '…');
  const pauseButton = button('Pause sync', () => void togglePause());
  const tabs = VIEWS.map((name) =>
    h('button', { attrs: { type: 'button', role: 'tab', 'data-view': name }, onClick: () => void show(name) }, name),
  );
  const main = h('main');
  root.append(
    h('style', {}, PANEL_CSS),
    h(
      'section',
      { class: 'panel', attrs: { role: 'dialog', 'aria-label': 'syncworker devtools' } },
      h(
        'header',
        {},
        h('strong', {}, 'syncworker'),
        pill,
        pauseButton,
        button('Sync now', () => void client.syncNow().catch(() => undefined)),
        button('×', () => close(), 'Close'),
      ),
      h('nav', { attrs: { role: 'tablist' } }, ...tabs),
      main,
    ),
  );
  document.body.append(host);

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
      pauseButton.textContent = status.pausedReason === 'manual' ? 'Resume sync' : 'Pause sync';
      const content = await renderView(view, {
        client,
        collection,
        refresh: () => void render(),
        selectCollection: (name) => {
          collection = name;
          void render();
        },
      });
      main.replaceChildren(content);
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
    host.remove();
  }

  void render();
  return { show, close, host };
}
