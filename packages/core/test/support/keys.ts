// Key pairs made with node:crypto directly (not by the engine), one per algorithm and label,
// generated once per process: RSA generation is the slow part of these suites.
import { createSecretKey, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import type { Alg } from './contract.js';

export const ALL_ALGS: readonly Alg[] = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

export interface RawPair {
  alg: Alg;
  /** Signs: the private key, or the secret for HS*. */
  privateKey: KeyObject;
  /** Verifies: the public key, or the same secret for HS*. */
  publicKey: KeyObject;
  /** HS* only: the secret bytes. */
  secret?: Buffer;
}

const CURVES: Record<string, string> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };
const cache = new Map<string, RawPair>();
const rsaCache = new Map<string, { privateKey: KeyObject; publicKey: KeyObject }>();

function rsa(label: string) {
  let pair = rsaCache.get(label);
  if (!pair) {
    pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    rsaCache.set(label, pair);
  }
  return pair;
}

/** The pair for `alg`; a different `label` gives different key material for the same alg. */
export function rawPair(alg: Alg, label = 'default'): RawPair {
  const id = `${alg}/${label}`;
  const hit = cache.get(id);
  if (hit) return hit;
  let pair: RawPair;
  if (alg.startsWith('HS')) {
    // 64 bytes: above Tessera's 32-byte minimum and HS512's block-size-worth of entropy.
    const secret = randomBytes(64);
    const key = createSecretKey(secret);
    pair = { alg, privateKey: key, publicKey: key, secret };
  } else if (alg.startsWith('RS') || alg.startsWith('PS')) {
    // One RSA modulus per label serves RS* and PS* alike: keys are bound to one alg in Tessera, not here.
    pair = { alg, ...rsa(label) };
  } else if (alg === 'EdDSA') {
    pair = { alg, ...generateKeyPairSync('ed25519') };
  } else {
    pair = { alg, ...generateKeyPairSync('ec', { namedCurve: CURVES[alg]! }) };
  }
  cache.set(id, pair);
  return pair;
}

export const publicPem = (pair: RawPair): string =>
  pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
