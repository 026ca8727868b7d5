// RFC 7638 JWK thumbprint: SHA-256 over the required public members in lexicographic order.
import { createHash } from 'node:crypto';
import type { JsonWebKey } from './json-web-key.js';

const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  EC: ['crv', 'kty', 'x', 'y'],
  RSA: ['e', 'kty', 'n'],
  OKP: ['crv', 'kty', 'x'],
  oct: ['k', 'kty'],
};

/** base64url SHA-256 thumbprint (43 chars). TypeError for an unknown kty or a missing member. */
export function jwkThumbprint(jwk: JsonWebKey): string {
  const members = typeof jwk.kty === 'string' ? REQUIRED[jwk.kty] : undefined;
  if (!members) throw new TypeError('jwk.kty must be one of EC, RSA, OKP, oct');
  const ordered: Record<string, string> = {};
  for (const name of members) {
    const value = jwk[name];
    if (typeof value !== 'string') throw new TypeError(`jwk.${name} must be a string`);
    ordered[name] = value;
  }
  return createHash('sha256').update(JSON.stringify(ordered)).digest('base64url');
}
