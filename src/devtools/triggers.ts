import type { SyncClient } from '../sync-client.ts';
import { type DevtoolsHandle, mountDevtools } from './mount-devtools.ts';

/** The URL flag that opens the panel on load. */
export const DEVTOOLS_URL_FLAG = 'syncworker-devtools';

/**
 * Opens the panel when the page URL has `?syncworker-devtools`, and toggles it with
 * Alt+Shift+D. Returns the function that removes the shortcut (and the panel).
 */
export function installDevtoolsTriggers(client: SyncClient): () => void {
  let panel: DevtoolsHandle | null = null;
  const toggle = () => {
    if (panel?.host.isConnected) {
      panel.close();
      panel = null;
    } else {
      panel = mountDevtools(client);
    }
  };
  const onKey = (event: KeyboardEvent) => {
    if (event.altKey && event.shiftKey && event.code === 'KeyD') {
      event.preventDefault();
      toggle();
    }
  };
  if (new URL(location.href).searchParams.has(DEVTOOLS_URL_FLAG)) toggle();
  addEventListener('keydown', onKey);
  return () => {
    removeEventListener('keydown', onKey);
    panel?.close();
  };
}
