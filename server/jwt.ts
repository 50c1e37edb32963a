import { createHmac, createPublicKey, type JsonWebKey, type KeyObject, timingSafeEqual, verify } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { SyncError } from '../protocol/index.ts';

export interface JwtOptions {
  /** Shared secret for HS256/HS384/HS512. */
  secret?: string;
  /** JWKS for RSA and ECDSA tokens (RS, PS, ES algorithms): an `https://…` URL (refetched for unknown key ids) or a file path. */
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

export interface JwtClaims {
  sub: string;
  [claim: string]: unknown;
}

const HASH_BY_ALG: Record<string, string> = {
  HS256: 'sha256',
  HS384: 'sha384',
  HS512: 'sha512',
  RS256: 'sha256',
  RS384: 'sha384',
  RS512: 'sha512',
  PS256: 'sha256',
  PS384: 'sha384',
  PS512: 'sha512',
  ES256: 'sha256',
  ES384: 'sha384',
  ES512: 'sha512',
};

/** Least time between two JWKS refetches caused by unknown key ids. */
const JWKS_REFETCH_MS = 60_000;

/** Builds a verifier of compact JWS tokens; it resolves to the claims or throws a 401 `SyncError`. */
export function createJwtVerifier(options: JwtOptions): (token: string) => Promise<JwtClaims> {
  if (!options.secret && !options.jwks) throw new Error('JWT authentication needs a secret or a JWKS');
  const algorithms = new Set(options.algorithms ?? (options.secret ? ['HS256'] : ['RS256', 'ES256']));
  const tolerance = options.clockToleranceSeconds ?? 30;
  const keys = options.jwks ? jwksKeys(options.jwks) : null;

  return async (token) => {
    const [headerPart, payloadPart, signaturePart, extra] = token.split('.');
    if (!headerPart || !payloadPart || signaturePart === undefined || extra !== undefined) {
      throw new SyncError('token_malformed', 'The bearer token is not a compact JWT (header.payload.signature)');
    }
    const header = decodeJson(headerPart) as { alg?: string; kid?: string };
    const claims = decodeJson(payloadPart) as Partial<JwtClaims> & {
      exp?: unknown;
      nbf?: unknown;
      aud?: unknown;
      iss?: unknown;
    };
    const alg = String(header.alg);
    if (!algorithms.has(alg) || !HASH_BY_ALG[alg]) {
      throw new SyncError(
        'token_algorithm_not_allowed',
        `Token algorithm "${alg}" is not accepted; accepted: ${[...algorithms].join(', ')}`,
      );
    }
    const signed = Buffer.from(`${headerPart}.${payloadPart}`);
    const signature = Buffer.from(signaturePart, 'base64url');
    const isValid = alg.startsWith('HS')
      ? hmacMatches(alg, options.secret, signed, signature)
      : await signatureMatches(alg, await keys?.(header.kid), signed, signature);
    if (!isValid) throw new SyncError('token_signature_invalid', 'The token signature does not verify');

    const now = Date.now() / 1000;
    if (typeof claims.exp !== 'number') throw new SyncError('token_malformed', 'The token has no numeric exp claim');
    if (now > claims.exp + tolerance) throw new SyncError('token_expired', 'The token has expired; get a fresh one');
    if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || now < claims.nbf - tolerance)) {
      throw new SyncError('token_not_yet_valid', 'The token is not valid yet (nbf)');
    }
    if (options.audience !== undefined) {
      const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      if (!audiences.includes(options.audience)) {
        throw new SyncError('token_audience_invalid', `The token is not meant for audience "${options.audience}"`);
      }
    }
    if (options.issuer !== undefined && claims.iss !== options.issuer) {
      throw new SyncError('token_issuer_invalid', `The token was not issued by "${options.issuer}"`);
    }
    if (typeof claims.sub !== 'string' || claims.sub.length === 0) {
      throw new SyncError('token_malformed', 'The token has no sub claim naming the user');
    }
    return claims as JwtClaims;
  };
}

function decodeJson(part: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {}
  throw new SyncError('token_malformed', 'The token header or payload is not base64url JSON');
}

function hmacMatches(alg: string, secret: string | undefined, signed: Buffer, signature: Buffer): boolean {
  if (!secret) return false;
  const expected = createHmac(HASH_BY_ALG[alg] ?? 'sha256', secret)
    .update(signed)
    .digest();
  return expected.length === signature.length && timingSafeEqual(expected, signature);
}

async function signatureMatches(
  alg: string,
  key: KeyObject | undefined,
  signed: Buffer,
  signature: Buffer,
): Promise<boolean> {
  if (!key) return false;
  const hash = HASH_BY_ALG[alg] ?? 'sha256';
  if (alg.startsWith('ES')) return verify(hash, signed, { key, dsaEncoding: 'ieee-p1363' }, signature);
  if (alg.startsWith('PS')) return verify(hash, signed, { key, padding: 6 /* RSA_PKCS1_PSS_PADDING */ }, signature);
  return verify(hash, signed, key, signature);
}

/** Looks keys up by `kid` in a JWKS, refetching a URL (rate-limited) when a kid is unknown. */
function jwksKeys(source: string): (kid: string | undefined) => Promise<KeyObject | undefined> {
  let keys = new Map<string | undefined, KeyObject>();
  let fetchedAt = 0;
  const load = async () => {
    fetchedAt = Date.now();
    const text = /^https?:\/\//.test(source) ? await (await fetch(source)).text() : await readFile(source, 'utf8');
    const { keys: jwks } = JSON.parse(text) as { keys: (JsonWebKey & { kid?: string })[] };
    keys = new Map(jwks.map((jwk) => [jwk.kid, createPublicKey({ key: jwk, format: 'jwk' })]));
  };
  return async (kid) => {
    if (!keys.has(kid) && Date.now() - fetchedAt > JWKS_REFETCH_MS) {
      await load().catch((error: unknown) => {
        console.warn(JSON.stringify({ level: 'warn', msg: 'cannot load JWKS', source, error: String(error) }));
      });
    }
    return keys.get(kid) ?? (keys.size === 1 && kid === undefined ? [...keys.values()][0] : undefined);
  };
}
