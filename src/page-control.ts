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
  scriptUrl: string,
  timeoutMs: number,
): Promise<boolean> {
  if (container.controller) return true;
  const active = await activeWorker(container, scriptUrl);
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

/** The active worker once there is one; a first install that fails ends the wait instead of leaving it open. */
async function activeWorker(container: ServiceWorkerContainer, scriptUrl: string): Promise<ServiceWorker | null> {
  const ready = container.ready.then((registration) => registration.active);
  const registration = await container.getRegistration();
  if (!registration || registration.active) return ready;
  const installing = registration.installing ?? registration.waiting;
  const isLeftWithNone = () => !registration.active && !registration.installing && !registration.waiting;
  if (!installing) throw installError(scriptUrl);
  const failed = new Promise<never>((_, reject) =>
    installing.addEventListener('statechange', () => {
      if (installing.state === 'redundant' && isLeftWithNone()) reject(installError(scriptUrl));
    }),
  );
  return Promise.race([ready, failed]);
}
