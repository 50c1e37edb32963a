import type { IncomingMessage } from 'node:http';
import { SyncError } from '../protocol/index.ts';
import { createJwtVerifier, type JwtOptions } from './jwt.ts';

/** `none` trusts every request as one anonymous user (demo, tests); `jwt` needs a bearer token. */
export type AuthOptions = { mode: 'none' } | ({ mode: 'jwt' } & JwtOptions);

/** Resolves a request (and its parsed URL) to the user it acts for, or throws a 401 `SyncError`. */
export type Authenticate = (request: IncomingMessage, url: URL) => Promise<string>;

/** The user of every request while authentication is disabled. */
export const ANONYMOUS_USER = 'anonymous';

/** The one request that may carry its token in the URL: EventSource cannot send headers. */
const TOKEN_IN_URL = 'GET /sync/events';

/**
 * Builds the authenticator for `options`. With `jwt`, the token comes from
 * `Authorization: Bearer …`, or from `?access_token=` on `GET /sync/events` only (a token in a
 * URL ends up in logs and histories, so nothing else accepts it). Throws at once on unusable options.
 */
export function createAuthenticator(options: AuthOptions): Authenticate {
  if (options.mode === 'none') return async () => ANONYMOUS_USER;
  const verifyToken = createJwtVerifier(options);
  return async (request, url) => {
    const header = request.headers.authorization;
    const isUrlTokenAllowed = `${request.method} ${url.pathname}` === TOKEN_IN_URL;
    const token =
      header?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? (isUrlTokenAllowed ? url.searchParams.get('access_token') : null);
    if (!token) {
      const hint =
        !header && url.searchParams.has('access_token')
          ? ' (access_token in the URL is only read by GET /sync/events)'
          : '';
      throw new SyncError('token_missing', `Send Authorization: Bearer <token>${hint}`);
    }
    return (await verifyToken(token)).sub;
  };
}
