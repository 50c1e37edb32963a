import { CLAIM_MESSAGE_TYPE } from '../protocol/index.ts';

/**
 * Brings this page under the active worker's control if it is not: a hard reload (Shift+Reload)
 * bypasses service workers, and a first visit starts before the worker activates. Waits for an
 * active worker, asks it to claim its clients (it does unless configured with `claimClients:
 * false`), and waits at most `timeoutMs` for `controllerchange`. Resolves to whether the page is
 * controlled; an uncontrolled page's requests go to the server, which answers the same routes.
 */
export async function requestControl(container: ServiceWorkerContainer, timeoutMs: number): Promise<boolean> {
  if (container.controller) return true;
  const { active } = await container.ready;
  if (container.controller) return true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(container.controller !== null), timeoutMs);
    container.addEventListener(
      'controllerchange',
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      { once: true },
    );
    active?.postMessage({ type: CLAIM_MESSAGE_TYPE });
  });
}
