import type { PullRequest, PullResponse, PushRequest, PushResponse } from '../../protocol/index.ts';
import { SyncError } from '../../protocol/index.ts';
import { parseRetryAfter } from './backoff.ts';

/** Statuses that say "try again later" rather than "this request is wrong". */
const RETRYABLE_STATUSES = new Set([408, 429]);

/** HTTP client for the sync endpoints. Failures surface as `SyncError`s; see `isRetryable`. */
export class SyncTransport {
  readonly #baseUrl: string;
  readonly #token: string | null;

  /** `baseUrl` is where `/push` and `/pull` live, e.g. `https://api.example.com/sync`; `token` is sent as a bearer token. */
  constructor(baseUrl: string, token: string | null) {
    this.#baseUrl = baseUrl.replace(/\/+$/, '');
    this.#token = token;
  }

  push(request: PushRequest): Promise<PushResponse> {
    return this.#post('/push', request);
  }

  pull(request: PullRequest): Promise<PullResponse> {
    return this.#post('/pull', request);
  }

  async #post<T>(path: string, body: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(this.#baseUrl + path, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(this.#token ? { Authorization: `Bearer ${this.#token}` } : {}),
        },
        body: JSON.stringify(body),
        cache: 'no-store',
      });
    } catch (error) {
      throw new SyncError('network_error', `Cannot reach the sync server at ${this.#baseUrl}: ${String(error)}`, {
        retryable: true,
      });
    }
    const payload: unknown = await response.json().catch(() => null);
    if (response.ok && payload !== null) return payload as T;
    const retryable = response.status >= 500 || RETRYABLE_STATUSES.has(response.status) || response.ok;
    const error = SyncError.fromWire(payload, `The sync server answered ${response.status} ${response.statusText}`);
    throw new SyncError(retryable && error.code === 'internal_error' ? 'server_error' : error.code, error.message, {
      ...(payload as { error?: object } | null)?.error,
      status: response.status,
      retryable,
      retryAfterMs: parseRetryAfter(response.headers.get('Retry-After')),
    });
  }
}

/** Whether a failed sync run should be retried with backoff. */
export function isRetryable(error: unknown): boolean {
  return error instanceof SyncError ? error.details?.retryable === true : false;
}

/** Whether the server refused our credentials: retrying cannot help until the token changes. */
export function isUnauthorized(error: unknown): boolean {
  return error instanceof SyncError && error.details?.status === 401;
}

/** How long the server asked us to wait, if it did. */
export function retryAfterOf(error: unknown): number | null {
  const value = error instanceof SyncError ? error.details?.retryAfterMs : null;
  return typeof value === 'number' ? value : null;
}
