/** The header the worker deduplicates writes by (IETF draft "The Idempotency-Key HTTP Header Field"). */
const HEADER = 'Idempotency-Key';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Wraps `fetch` so that the app's writes to routed paths carry a fresh `Idempotency-Key`
 * (unless they have one). The browser dispatches a request again to a fresh worker when it
 * stopped the old one mid-request; with the key, the worker answers the repeat with the first
 * answer instead of applying the write twice.
 */
export function addIdempotencyKeys(routePrefixes: string[]): void {
  const original = globalThis.fetch;
  const isRouted = (url: URL) =>
    url.origin === location.origin &&
    routePrefixes.some((prefix) => url.pathname === prefix || url.pathname.startsWith(`${prefix}/`));
  globalThis.fetch = (input, init) => {
    const request = input instanceof Request ? input : null;
    const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
    if (!WRITE_METHODS.has(method) || !isRouted(new URL(request?.url ?? String(input), location.href))) {
      return original(input, init);
    }
    const headers = new Headers(init?.headers ?? request?.headers);
    if (!headers.has(HEADER)) headers.set(HEADER, crypto.randomUUID());
    return original(input, { ...init, headers });
  };
}
