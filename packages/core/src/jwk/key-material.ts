// Turns caller-supplied key material into a KeyObject and checks that it can serve one algorithm.
// The central rule: an HMAC key is never built from anything that looks like an asymmetric key
// (PEM, a non-oct JWK, DER, an asymmetric KeyObject): the classic RS256 -> HS256 confusion.
import { createPrivateKey, createPublicKey, createSecretKey, KeyObject } from 'node:crypto';
import { ALG_INFO, type Alg, isAlg, MIN_HMAC_SECRET_BYTES, MIN_RSA_BITS } from '../lib/algorithms.js';
import type { TesseraKey } from '../types.js';
import type { JsonWebKey } from './json-web-key.js';

export type KeyMaterial = string | Buffer | Uint8Array | JsonWebKey | KeyObject;

/** Secret KeyObject for an HS algorithm. */
export function secretKeyFrom(material: KeyMaterial, alg: Alg, path: string): KeyObject {
  let bytes: Buffer;
  if (material instanceof KeyObject) {
    if (material.type !== 'secret')
      throw new TypeError(`${path}: an ${alg} key must be a secret, not a ${material.type} key`);
    bytes = material.export();
  } else if (typeof material === 'string') {
    bytes = Buffer.from(material, 'utf8');
  } else if (material instanceof Uint8Array) {
    bytes = Buffer.from(material);
  } else if (material !== null && typeof material === 'object') {
    const jwk = material as JsonWebKey;
    if (jwk.kty !== 'oct' || typeof jwk.k !== 'string')
      throw new TypeError(`${path}: an ${alg} key must be an oct JWK`);
    bytes = Buffer.from(jwk.k, 'base64url');
  } else {
    throw new TypeError(`${path} must be a string, Buffer, JWK or KeyObject`);
  }
  // Whatever the wrapper (string, bytes, oct JWK, secret KeyObject), the bytes themselves must not
  // be an asymmetric key: that is how a public key ends up as an HMAC secret.
  if (looksAsymmetricText(bytes) || looksLikeDer(bytes)) {
    throw new TypeError(`${path}: an ${alg} secret must not be PEM, JWK, SSH or DER key material`);
  }
  if (bytes.length < MIN_HMAC_SECRET_BYTES) {
    throw new TypeError(`${path}: an ${alg} secret must be at least ${MIN_HMAC_SECRET_BYTES} bytes`);
  }
  return createSecretKey(bytes);
}

/** Public or private KeyObject for an asymmetric algorithm. */
export function asymmetricKeyFrom(material: KeyMaterial, alg: Alg, path: string): KeyObject {
  let key: KeyObject;
  try {
    key = parseAsymmetric(material);
  } catch (cause) {
    if (cause instanceof TypeError && cause.message.startsWith(path)) throw cause;
    throw new TypeError(`${path}: cannot read an ${alg} key from this material`, { cause });
  }
  assertKeyFitsAlg(key, alg, path);
  return key;
}

function parseAsymmetric(material: KeyMaterial): KeyObject {
  if (material instanceof KeyObject) {
    if (material.type === 'secret') throw new TypeError('secret key');
    return material;
  }
  if (typeof material === 'string') {
    const text = material.trim();
    if (text.startsWith('{')) return fromJwk(JSON.parse(text) as JsonWebKey);
    return text.includes('PRIVATE KEY-----') ? createPrivateKey(text) : createPublicKey(text);
  }
  if (material instanceof Uint8Array) {
    const buf = Buffer.from(material.buffer, material.byteOffset, material.byteLength);
    const head = buf.toString('latin1', 0, Math.min(buf.length, 64)).trimStart();
    if (head.startsWith('-----') || head.startsWith('{')) return parseAsymmetric(buf.toString('utf8'));
    // DER: SPKI public key first, then PKCS#8 private key.
    try {
      return createPublicKey({ key: buf, format: 'der', type: 'spki' });
    } catch {
      return createPrivateKey({ key: buf, format: 'der', type: 'pkcs8' });
    }
  }
  if (material !== null && typeof material === 'object') return fromJwk(material as JsonWebKey);
  throw new TypeError('unsupported material');
}

function fromJwk(jwk: JsonWebKey): KeyObject {
  if (jwk.kty === 'oct') throw new TypeError('oct JWK');
  return typeof jwk.d === 'string'
    ? createPrivateKey({ key: jwk, format: 'jwk' })
    : createPublicKey({ key: jwk, format: 'jwk' });
}

/**
 * Defence in depth for TesseraKey objects not made by importKey/generateKey (any plain object has
 * the shape): its KeyObject must really be what its alg and kind say, so a hand-built
 * `{ alg: 'HS256', keyObject: <public key> }` can never turn into an HMAC key.
 */
export function assertUsableKey(key: TesseraKey, path: string): void {
  if (key === null || typeof key !== 'object' || !(key.keyObject instanceof KeyObject) || !isAlg(key.alg)) {
    throw new TypeError(`${path} must be a TesseraKey (from importKey or generateKey)`);
  }
  if (key.keyObject.type !== key.kind) throw new TypeError(`${path}.kind does not match its keyObject`);
  if (ALG_INFO[key.alg].family === 'HS') {
    if (key.kind !== 'secret') throw new TypeError(`${path}: an ${key.alg} key must be a secret`);
  } else {
    assertKeyFitsAlg(key.keyObject, key.alg, path);
  }
}

/** The key's type, curve and size must be exactly what the algorithm needs. */
export function assertKeyFitsAlg(key: KeyObject, alg: Alg, path: string): void {
  const info = ALG_INFO[alg];
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (info.family === 'RS' || info.family === 'PS') {
    // rsa-pss keys carry their own parameter restrictions; accept them only for PS.
    if (!(type === 'rsa' || (type === 'rsa-pss' && info.family === 'PS'))) {
      throw new TypeError(`${path}: ${alg} needs an RSA key, got ${type ?? 'secret'}`);
    }
    if ((details.modulusLength ?? 0) < MIN_RSA_BITS) {
      throw new TypeError(`${path}: RSA keys must be at least ${MIN_RSA_BITS} bits`);
    }
  } else if (info.family === 'ES') {
    if (type !== 'ec' || details.namedCurve !== info.nodeCurve) {
      throw new TypeError(`${path}: ${alg} needs an EC ${info.crv} key`);
    }
  } else if (info.family === 'EdDSA') {
    if (type !== 'ed25519') throw new TypeError(`${path}: EdDSA needs an Ed25519 key`);
  } else {
    throw new TypeError(`${path}: ${alg} needs a secret key`);
  }
}

function looksAsymmetricText(bytes: Buffer): boolean {
  const t = bytes.toString('latin1', 0, Math.min(bytes.length, 64)).trimStart();
  if (t.startsWith('-----BEGIN') || t.startsWith('ssh-') || t.startsWith('ecdsa-sha2-')) return true;
  // JSON (a JWK or a JWKS). A leading '{' alone is one random byte in 256, so a random binary secret
  // would be refused 0.4% of the time: require a key type member as well.
  return t.startsWith('{') && bytes.includes('"kty"');
}

/** A DER SEQUENCE whose length header matches the buffer exactly (SPKI, PKCS#8, PKCS#1, SEC1, certs). */
function looksLikeDer(buf: Buffer): boolean {
  if (buf.length < 2 || buf[0] !== 0x30) return false;
  const first = buf[1]!;
  if (first < 0x80) return 2 + first === buf.length;
  const n = first & 0x7f;
  if (n === 0 || n > 4 || buf.length < 2 + n) return false;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + buf[2 + i]!;
  return 2 + n + len === buf.length;
}
