declare const self: ServiceWorkerGlobalScope;

const SHELL_CACHE = 'syncworker-app-shell';

/** Caches the app's own files at install, so the app opens offline. */
export function precacheAppShell(event: ExtendableEvent, urls: string[]): void {
  if (urls.length === 0) return;
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(urls)));
}

/** Whether a request is for the app shell: a navigation, or one of its files. */
export function isAppShellRequest(request: Request, urls: string[]): boolean {
  if (urls.length === 0 || request.method !== 'GET') return false;
  const url = new URL(request.url);
  return request.mode === 'navigate' || (url.origin === self.location.origin && urls.includes(url.pathname));
}

/** Network first, so a deployed update shows at once; the cached copy when offline. */
export async function serveAppShell(request: Request, urls: string[]): Promise<Response> {
  try {
    const response = await fetch(request);
    if (response.ok) await caches.open(SHELL_CACHE).then((cache) => cache.put(request, response.clone()));
    return response;
  } catch (error) {
    const cached =
      (await caches.match(request, { ignoreSearch: true })) ??
      (request.mode === 'navigate' ? await caches.match(urls[0] ?? '/') : undefined);
    if (cached) return cached;
    throw error;
  }
}
