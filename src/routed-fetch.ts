/**
 * Decides a routed request's extra headers: sets them on `headers` and returns true, or returns
 * false to send the request untouched.
 */
export type RoutedHeaders = (method: string, headers: Headers) => boolean | Promise<boolean>;

/**
 * Wraps `fetch` so that the app's requests to this origin's routed paths (a prefix or below it)
 * pass through `addHeaders` first; every other request goes out as it was.
 */
export function wrapRoutedFetch(routePrefixes: string[], addHeaders: RoutedHeaders): void {
  const original = globalThis.fetch;
  const isRouted = (url: URL) =>
    url.origin === location.origin &&
    routePrefixes.some((prefix) => url.pathname === prefix || url.pathname.startsWith(`${prefix}/`));
  globalThis.fetch = async (input, init) => {
    const request = input instanceof Request ? input : null;
    if (!isRouted(new URL(request?.url ?? String(input), location.href))) return original(input, init);
    const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
    const headers = new Headers(init?.headers ?? request?.headers);
    return (await addHeaders(method, headers)) ? original(input, { ...init, headers }) : original(input, init);
  };
}
