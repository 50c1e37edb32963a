import { wrapRoutedFetch } from './routed-fetch.ts';
import type { TokenProvider } from './sync-client.ts';

/**
 * Wraps `fetch` so that, while no worker controls this page, the app's requests to routed paths
 * carry `Authorization: Bearer <token>` from `getToken` (unless they have one): they reach the
 * server, which wants the token as `/sync/*` does. A controlled page's requests are left as they
 * are: the worker answers them and never needs the app's token on them.
 */
export function authorizeUncontrolledRequests(
  routePrefixes: string[],
  container: ServiceWorkerContainer,
  getToken: TokenProvider,
): void {
  wrapRoutedFetch(routePrefixes, async (_method, headers) => {
    if (container.controller || headers.has('Authorization')) return false;
    const token = await getToken();
    if (!token) return false;
    headers.set('Authorization', `Bearer ${token}`);
    return true;
  });
}
