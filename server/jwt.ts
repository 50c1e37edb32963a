import { readFile } from 'node:fs/promises';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { SyncError } from '../protocol/index.ts';
import { isStorableText } from '../protocol/storable-values.ts';

export interface JwtOptions {
  /** Shared secret for HS256/HS384/HS512. */
  secret?: string;
  /**
   * JWKS for RSA and ECDSA tokens (RS, PS, ES algorithms): an `https://…` URL or a file path.
   * The set is read again at least every 30 s (a key removed from it stops verifying within
   * 30 s plus one fetch) and, at most every 5 s, when a token names an unknown key id.
   * A fetch that takes over 5 s fails the request with 503 `auth_unavailable`.
   */
  jwks?: string;
  /** Accepted `alg` values. Default: HS256 with a secret, RS256 and ES256 with a JWKS. */
  algorithms?: string[];
  /** Required `aud` (one of the token's audiences). */
  audience?: string;
  /** Required `iss`. */
  issuer?: string;
  /** Seconds of clock skew tolerated for `exp` and `nbf`. Default: 30. */
  clockToleranceSeconds?: number;
}

export interface JwtClaims extends JWTPayload {
  sub: string;
}

/** How long a fetched key set is trusted, the least time between refetches for unknown key ids, the fetch timeout. */
const JWKS_MAX_AGE_MS = 30_000;
const JWKS_COOLDOWN_MS = 5_000;
const JWKS_TIMEOUT_MS = 5_000;

/** Longest user id taken from `sub` (OpenID Connect allows 255 ASCII characters). */
const MAX_SUBJECT_LENGTH = 255;

/** Three base64url parts, no padding (an empty signature is left for the algorithm check to refuse). */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Builds a verifier of compact JWS tokens (with `jose`); it resolves to the claims or throws a
 * 401 `SyncError` (`token_*`), or 503 `auth_unavailable` when the key set cannot be loaded.
 * Requires `exp`, and a `sub` that can name a user: 1-255 characters of well-formed Unicode
 * without NUL. Throws at once when neither a secret nor a JWKS is given.
 */
export function createJwtVerifier(options: JwtOptions): (token: string) => Promise<JwtClaims> {
  if (!options.secret && !options.jwks) throw new Error('JWT authentication needs a secret or a JWKS');
  const algorithms = options.algorithms ?? (options.secret ? ['HS256'] : ['RS256', 'ES256']);
  const secret = options.secret ? new TextEncoder().encode(options.secret) : null;
  const keySet = options.jwks ? loadKeySet(options.jwks) : null;
  // The algorithm picks the kind of key, so a public key can never serve as an HMAC secret.
  const getKey: JWTVerifyGetKey = async (header, token) => {
    const isHmac = header.alg.startsWith('HS');
    if (isHmac && secret) return secret;
    if (isHmac || !keySet) throw new errors.JWSSignatureVerificationFailed();
    return keySet(header, token);
  };

  return async (token) => {
    if (!COMPACT_JWS.test(token) || !token.split('.').every(isCanonicalBase64url)) {
      throw new SyncError('token_malformed', 'The bearer token is not a compact JWT (header.payload.signature)');
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, getKey, {
        algorithms,
        clockTolerance: options.clockToleranceSeconds ?? 30,
        requiredClaims: ['exp', 'sub'],
        ...(options.audience !== undefined ? { audience: options.audience } : {}),
        ...(options.issuer !== undefined ? { issuer: options.issuer } : {}),
      }));
    } catch (error) {
      throw tokenError(error);
    }
    if (!isStorableText(payload.sub, MAX_SUBJECT_LENGTH)) {
      throw new SyncError(
        'token_malformed',
        `The token's sub claim must name the user in 1-${MAX_SUBJECT_LENGTH} characters, without NUL or unpaired surrogates`,
      );
    }
    return payload as JwtClaims;
  };
}

/** Base64url decoders ignore stray trailing bits; only the one canonical spelling of the bytes is accepted. */
function isCanonicalBase64url(part: string): boolean {
  return Buffer.from(part, 'base64url').toString('base64url') === part;
}

/** Why `jose` refused a token, as a 401 with a stable code (or 503 when keys could not be loaded). */
function tokenError(error: unknown): SyncError {
  if (error instanceof SyncError) return error;
  if (error instanceof errors.JWTExpired)
    return new SyncError('token_expired', 'The token has expired; get a fresh one');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf' && error.reason === 'check_failed') {
      return new SyncError('token_not_yet_valid', 'The token is not valid yet (nbf)');
    }
    if (error.claim === 'aud')
      return new SyncError('token_audience_invalid', 'The token is not meant for this server (aud)');
    if (error.claim === 'iss')
      return new SyncError('token_issuer_invalid', 'The token was not issued by the expected issuer (iss)');
    return new SyncError('token_malformed', `The token's claims are not usable: ${error.message}`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new SyncError('token_algorithm_not_allowed', 'The token algorithm is not accepted by this server');
  }
  if (
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return new SyncError('token_signature_invalid', 'The token signature does not verify with any accepted key');
  }
  if (error instanceof errors.JOSEError && !(error instanceof KeySetUnavailable)) {
    // JWSInvalid, JWTInvalid, an unknown `crit` header (JOSENotSupported), …
    return new SyncError('token_malformed', `The bearer token is not a usable JWT: ${error.message}`);
  }
  const reason = error instanceof KeySetUnavailable ? error.message : String(error);
  return new SyncError('auth_unavailable', `Cannot verify tokens right now: ${reason}`, { retryAfterSeconds: 5 });
}

/** The key set could not be fetched or read: the server's problem, not the token's. */
class KeySetUnavailable extends errors.JOSEError {}

/** Keys from a JWKS URL or file, reloaded as `JwtOptions.jwks` describes. */
function loadKeySet(source: string): JWTVerifyGetKey {
  const getKey = /^https?:\/\//.test(source)
    ? createRemoteJWKSet(new URL(source), {
        cacheMaxAge: JWKS_MAX_AGE_MS,
        cooldownDuration: JWKS_COOLDOWN_MS,
        timeoutDuration: JWKS_TIMEOUT_MS,
      })
    : fileKeySet(source);
  return async (header, token) => {
    try {
      return await getKey(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
      throw new KeySetUnavailable(`cannot load the JWKS from ${source}: ${String(error)}`);
    }
  };
}

/** A JWKS file, read again when older than the maximum age or, past the cooldown, for an unknown key id. */
function fileKeySet(path: string): JWTVerifyGetKey {
  let loaded: { at: number; getKey: JWTVerifyGetKey } | null = null;
  const load = async () => {
    const keys = JSON.parse(await readFile(path, 'utf8')) as JSONWebKeySet;
    loaded = { at: Date.now(), getKey: createLocalJWKSet(keys) };
    return loaded.getKey;
  };
  return async (header, token) => {
    const age = loaded ? Date.now() - loaded.at : Number.POSITIVE_INFINITY;
    const getKey = loaded && age < JWKS_MAX_AGE_MS ? loaded.getKey : await load();
    try {
      return await getKey(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || Date.now() - (loaded?.at ?? 0) < JWKS_COOLDOWN_MS)
        throw error;
      return (await load())(header, token);
    }
  };
}
