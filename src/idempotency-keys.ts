import { wrapRoutedFetch } from './routed-fetch.ts';

/** The header the worker deduplicates writes by (IETF draft "The Idempotency-Key HTTP Header Field"). */
const HEADER = 'Idempotency-Key';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Wraps `fetch` so that the app's writes to routed paths carry a fresh `Idempotency-Key`
 * (unless they have one). The browser dispatches a request again to a fresh worker when it
 * stopped the old one mid-request; with the key, the worker answers the repeat with the first
 * answer instead of applying the write twice (the server does the same for an uncontrolled page).
 */
export function addIdempotencyKeys(routePrefixes: string[]): void {
  wrapRoutedFetch(routePrefixes, (method, headers) => {
    if (!WRITE_METHODS.has(method) || headers.has(HEADER)) return false;
    headers.set(HEADER, crypto.randomUUID());
    return true;
  });
}
