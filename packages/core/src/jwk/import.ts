// importKey: one immutable TesseraKey bound to one algorithm, from PEM, DER, JWK, secret bytes or a
// KeyObject. Synchronous; the KeyObject is built here once and reused by every sign/verify.
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { ALG_INFO, type Alg, assertAlg } from '../lib/algorithms.js';
import { assertObject, optionalString } from '../lib/options.js';
import type { TesseraKey } from '../types.js';
import { publicJwk } from './export.js';
import type { JsonWebKey } from './json-web-key.js';
import { asymmetricKeyFrom, type KeyMaterial, secretKeyFrom } from './key-material.js';
import { jwkThumbprint } from './thumbprint.js';

export interface ImportKeyOptions {
  alg: Alg;
  /** Defaults to the RFC 7638 thumbprint (HS: first 16 bytes of SHA-256 of the secret, base64url). */
  kid?: string;
}

export function importKey(material: KeyMaterial, opts: ImportKeyOptions): TesseraKey {
  const o = assertObject(opts, 'opts');
  const alg = assertAlg(o.alg, 'opts.alg');
  const kid = optionalString(o.kid, 'opts.kid');
  if (isJwkObject(material) && typeof material.alg === 'string' && material.alg !== alg) {
    throw new TypeError(`material: the JWK is bound to ${material.alg}, not ${alg}`);
  }
  if (ALG_INFO[alg].family === 'HS') {
    const keyObject = secretKeyFrom(material, alg, 'material');
    return makeKey(kid ?? defaultKid(keyObject, alg), alg, keyObject);
  }
  const keyObject = asymmetricKeyFrom(material, alg, 'material');
  return makeKey(kid ?? defaultKid(keyObject, alg), alg, keyObject);
}

/** Builds the frozen key record; the private half gets its public half precomputed. */
export function makeKey(kid: string, alg: Alg, keyObject: KeyObject): TesseraKey {
  if (keyObject.type === 'private') {
    return Object.freeze({ kid, alg, kind: 'private', keyObject, publicKey: createPublicKey(keyObject) });
  }
  return Object.freeze({ kid, alg, kind: keyObject.type === 'secret' ? 'secret' : 'public', keyObject });
}

/** RFC 7638 thumbprint of the public key; for secrets a truncated SHA-256 (never the secret). */
export function defaultKid(keyObject: KeyObject, alg: Alg): string {
  if (ALG_INFO[alg].family === 'HS') {
    return createHash('sha256').update(keyObject.export()).digest().subarray(0, 16).toString('base64url');
  }
  const pub = keyObject.type === 'private' ? createPublicKey(keyObject) : keyObject;
  return jwkThumbprint(publicJwk(pub));
}

/** The public half of a key, with the same kid and alg. TypeError for HS keys (they have none). */
export function publicKeyOf(key: TesseraKey): TesseraKey {
  if (key.kind === 'public') return key;
  if (key.kind === 'secret') throw new TypeError('key: an HMAC key has no public half');
  return makeKey(key.kid, key.alg, key.publicKey ?? createPublicKey(key.keyObject));
}

function isJwkObject(material: KeyMaterial): material is JsonWebKey {
  return (
    material !== null &&
    typeof material === 'object' &&
    !(material instanceof Uint8Array) &&
    typeof (material as JsonWebKey).kty === 'string'
  );
}
