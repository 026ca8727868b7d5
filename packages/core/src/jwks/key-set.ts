// Key sets: keys looked up by kid, nothing else. importJwks keeps only keys it can bind to exactly
// one allowed algorithm and skips the rest, so one odd key in a remote JWKS breaks nothing.

import { importKey } from '../jwk/import.js';
import type { JsonWebKey } from '../jwk/json-web-key.js';
import { assertUsableKey } from '../jwk/key-material.js';
import { ALG_INFO, type Alg, algorithmSet } from '../lib/algorithms.js';
import { assertObject } from '../lib/options.js';
import type { KeySet, TesseraKey } from '../types.js';

/** Sets made here never change, so verifiers may cache what they look up in them. */
const immutableSets = new WeakSet<KeySet>();

export function isImmutableKeySet(set: KeySet): boolean {
  return immutableSets.has(set);
}

/**
 * An immutable set. Duplicate kids: the first key wins and later ones are ignored, so a lookup is
 * never ambiguous (list() returns only the keys kept).
 */
export function createKeySet(keys: Iterable<TesseraKey>): KeySet {
  const map = new Map<string, TesseraKey>();
  for (const key of keys) {
    if (!key || typeof key.kid !== 'string') {
      throw new TypeError('keys must contain TesseraKey objects (from importKey or generateKey)');
    }
    assertUsableKey(key, `keys[${map.size}]`);
    if (!map.has(key.kid)) map.set(key.kid, key);
  }
  const list = Object.freeze([...map.values()]);
  const set: KeySet = Object.freeze({
    get: (kid: string) => map.get(kid),
    size: map.size,
    list: () => [...list],
  });
  immutableSets.add(set);
  return set;
}

export interface ImportJwksOptions {
  algorithms: Alg[];
}

export function importJwks(jwks: { keys: JsonWebKey[] }, opts: ImportJwksOptions): KeySet {
  const o = assertObject(opts, 'opts');
  const allowed = algorithmSet(o.algorithms, 'opts.algorithms');
  const set = assertObject(jwks, 'jwks');
  if (!Array.isArray(set.keys)) throw new TypeError('jwks.keys must be an array');
  const out: TesseraKey[] = [];
  for (const jwk of set.keys as unknown[]) {
    const key = importOne(jwk, allowed);
    if (key) out.push(key);
  }
  return createKeySet(out);
}

function importOne(value: unknown, allowed: Set<Alg>): TesseraKey | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const jwk = value as JsonWebKey;
  if (jwk.use !== undefined && jwk.use !== 'sig') return undefined;
  if (Array.isArray(jwk.key_ops) && !jwk.key_ops.includes('verify')) return undefined;
  const alg = bindAlg(jwk, allowed);
  if (!alg) return undefined;
  // A private JWK in a set used for verification: keep only the public half.
  const material = ALG_INFO[alg].family === 'HS' ? jwk : stripPrivate(jwk);
  try {
    const kid = typeof jwk.kid === 'string' && jwk.kid.length > 0 ? jwk.kid : undefined;
    return importKey({ ...material, alg }, kid === undefined ? { alg } : { alg, kid });
  } catch {
    return undefined;
  }
}

/** The JWK's own alg if allowed and fitting; else the single allowed alg its kty/crv fits. */
function bindAlg(jwk: JsonWebKey, allowed: Set<Alg>): Alg | undefined {
  if (jwk.alg !== undefined) {
    const alg = jwk.alg as Alg;
    return allowed.has(alg) && fits(jwk, alg) ? alg : undefined;
  }
  const candidates = [...allowed].filter((alg) => fits(jwk, alg));
  return candidates.length === 1 ? candidates[0] : undefined;
}

function fits(jwk: JsonWebKey, alg: Alg): boolean {
  const info = ALG_INFO[alg];
  if (!info || jwk.kty !== info.kty) return false;
  return info.crv === undefined || jwk.crv === info.crv;
}

function stripPrivate(jwk: JsonWebKey): JsonWebKey {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, oth: _oth, ...pub } = jwk;
  return pub;
}
