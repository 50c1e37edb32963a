import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A compact JWS signed with HS256, for tests. */
export function signHs256(claims: object, secret: string, header: object = {}): string {
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT', ...header })}.${encode(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/** An RSA key pair with its public JWKS, for tests. */
export function rsaKeys(kid: string): { privateKey: KeyObject; jwks: { keys: object[] } } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, jwks: { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] } };
}

export function signRs256(claims: object, privateKey: KeyObject, kid: string): string {
  const unsigned = `${encode({ alg: 'RS256', typ: 'JWT', kid })}.${encode(claims)}`;
  return `${unsigned}.${sign('sha256', Buffer.from(unsigned), privateKey).toString('base64url')}`;
}

/** Claims valid for the next hour. */
export function validClaims(sub: string, extra: object = {}): object {
  const now = Math.floor(Date.now() / 1000);
  return { sub, iat: now, exp: now + 3600, ...extra };
}
