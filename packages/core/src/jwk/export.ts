// JWK export. exportJwk gives PUBLIC members only (what a JWKS may serve); the private form exists
// for encrypted storage and is never served.
import type { KeyObject } from 'node:crypto';
import type { TesseraKey } from '../types.js';
import type { JsonWebKey } from './json-web-key.js';

const PUBLIC_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ['kty', 'n', 'e'],
  EC: ['kty', 'crv', 'x', 'y'],
  OKP: ['kty', 'crv', 'x'],
};

/** Public JWK members of a public (or private) asymmetric KeyObject, nothing else. */
export function publicJwk(keyObject: KeyObject): JsonWebKey {
  const full = keyObject.export({ format: 'jwk' });
  const members = typeof full.kty === 'string' ? PUBLIC_MEMBERS[full.kty] : undefined;
  if (!members) throw new TypeError('key: unsupported key type for JWK export');
  const out: JsonWebKey = {};
  for (const name of members) out[name] = full[name];
  return out;
}

/** Public members + kid, alg, use: 'sig'. TypeError for HS keys: a secret is never published. */
export function exportJwk(key: TesseraKey): JsonWebKey {
  if (key.kind === 'secret') throw new TypeError('key: an HMAC secret cannot be exported as a public JWK');
  const jwk = publicJwk(key.kind === 'private' ? (key.publicKey ?? key.keyObject) : key.keyObject);
  return { ...jwk, kid: key.kid, alg: key.alg, use: 'sig' };
}

export function exportJwks(keys: Iterable<TesseraKey>): { keys: JsonWebKey[] } {
  const out: JsonWebKey[] = [];
  for (const key of keys) out.push(exportJwk(key));
  return { keys: out };
}

/** Every member including private ones (d, p, q, ... or k). For encrypted storage only. */
export function exportPrivateJwk(key: TesseraKey): JsonWebKey {
  const jwk = key.keyObject.export({ format: 'jwk' });
  return { ...jwk, kid: key.kid, alg: key.alg, use: 'sig' };
}
