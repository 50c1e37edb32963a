import { CLAIM_MESSAGE_TYPE } from '../protocol/index.ts';
import { installError } from './registration-error.ts';

/**
 * Brings this page under the active worker's control if it is not: a hard reload (Shift+Reload)
 * bypasses service workers, and a first visit starts before the worker activates. Waits for an
 * active worker, asks it to claim its clients (it does unless configured with `claimClients:
 * false`), and waits at most `timeoutMs` for `controllerchange`. Resolves to whether the page is
 * controlled; an uncontrolled page's requests go to the server, which answers the same routes.
 * @throws {SyncError} `worker_registration_failed` when the worker being installed fails (nothing active).
 */
export async function requestControl(
  container: ServiceWorkerContainer,
  registration: ServiceWorkerRegistration,
  scriptUrl: string,
  timeoutMs: number,
): Promise<boolean> {
  if (container.controller) return true;
  const active = await activeWorker(registration, scriptUrl);
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

/**
 * The registration's active worker once there is one. A first install that fails leaves the
 * registration with no worker at all (possibly before this looks): that ends the wait.
 */
function activeWorker(registration: ServiceWorkerRegistration, scriptUrl: string): Promise<ServiceWorker> {
  return new Promise((resolve, reject) => {
    const settle = () => {
      if (registration.active) resolve(registration.active);
      else if (!registration.installing && !registration.waiting) reject(installError(scriptUrl));
    };
    registration.installing?.addEventListener('statechange', settle);
    registration.waiting?.addEventListener('statechange', settle);
    settle();
  });
}
