import type { Workbox } from 'workbox-window';
import type { UpdateControl } from './sync-client.ts';

/**
 * Watches for a new worker version waiting behind the active one (workbox-window's `waiting`)
 * and activates it on request. Listen before `register()`: a version may already be waiting.
 */
export function watchWorkerUpdates(workbox: Workbox, container: ServiceWorkerContainer): UpdateControl {
  let isWaiting = false;
  const listeners = new Set<() => void>();
  workbox.addEventListener('waiting', () => {
    isWaiting = true;
    for (const listener of listeners) listener();
  });
  return {
    get isWaiting() {
      return isWaiting;
    },
    onWaiting(listener) {
      listeners.add(listener);
      if (isWaiting) listener();
    },
    async apply() {
      if (!isWaiting) return;
      const controlled = new Promise<void>((resolve) =>
        container.addEventListener('controllerchange', () => resolve(), { once: true }),
      );
      workbox.messageSkipWaiting();
      await controlled;
      isWaiting = false;
    },
  };
}
