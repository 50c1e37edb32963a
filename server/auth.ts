import type { IncomingMessage } from 'node:http';
import { SyncError } from '../protocol/index.ts';
import { createJwtVerifier, type JwtOptions } from './jwt.ts';

/** `none` trusts every request as one anonymous user (demo, tests); `jwt` needs a bearer token. */
export type AuthOptions = { mode: 'none' } | ({ mode: 'jwt' } & JwtOptions);

/** Resolves a request to the user it acts for, or throws a 401 `SyncError`. */
export type Authenticate = (request: IncomingMessage) => Promise<string>;

/** The user of every request while authentication is disabled. */
export const ANONYMOUS_USER = 'anonymous';

export function createAuthenticator(options: AuthOptions): Authenticate {
  if (options.mode === 'none') return async () => ANONYMOUS_USER;
  const verifyToken = createJwtVerifier(options);
  return async (request) => {
    const header = request.headers.authorization;
    // EventSource cannot send headers, so the events stream may carry the token in its URL.
    const token =
      header?.match(/^Bearer\s+(\S+)$/i)?.[1] ??
      new URL(request.url ?? '/', 'http://host').searchParams.get('access_token');
    if (!token) throw new SyncError('token_missing', 'Send Authorization: Bearer <token>');
    return (await verifyToken(token)).sub;
  };
}
