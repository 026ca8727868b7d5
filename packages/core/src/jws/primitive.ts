// Binds a key to its algorithm's primitive once, so the hot path calls one prepared function with
// the KeyObject and its options already in hand (no per-call option objects, no switch).
import type { KeyObject } from 'node:crypto';
import { ALG_INFO, type Alg } from '../lib/algorithms.js';
import { ecdsaOptions, ecdsaSign, ecdsaVerify } from './ecdsa.js';
import { eddsaSign, eddsaVerify } from './eddsa.js';
import { hmacSign, hmacVerify } from './hmac.js';
import { pssOptions, pssSign, pssVerify, rsaSign, rsaVerify } from './rsa.js';

export type SignFn = (data: string | Uint8Array) => Buffer;
export type VerifyFn = (data: string | Uint8Array, sig: Uint8Array) => boolean;

/** `key` is the secret KeyObject for HS, the public (or private) one otherwise. */
export function prepareVerify(alg: Alg, key: KeyObject): VerifyFn {
  const info = ALG_INFO[alg];
  const hash = info.hash!;
  switch (info.family) {
    case 'HS': {
      const secret = key.export();
      return (data, sig) => hmacVerify(hash, secret, data, sig);
    }
    case 'RS':
      return (data, sig) => rsaVerify(hash, key, data, sig);
    case 'PS': {
      const opts = pssOptions(key, info.hashBytes);
      return (data, sig) => pssVerify(hash, opts, data, sig);
    }
    case 'ES': {
      const opts = ecdsaOptions(key);
      const n = info.sigBytes;
      return (data, sig) => ecdsaVerify(hash, opts, n, data, sig);
    }
    case 'EdDSA':
      return (data, sig) => eddsaVerify(key, data, sig);
  }
}

/** `key` is the secret KeyObject for HS, the private one otherwise. */
export function prepareSign(alg: Alg, key: KeyObject): SignFn {
  const info = ALG_INFO[alg];
  const hash = info.hash!;
  switch (info.family) {
    case 'HS': {
      const secret = key.export();
      return (data) => hmacSign(hash, secret, data);
    }
    case 'RS':
      return (data) => rsaSign(hash, key, data);
    case 'PS': {
      const opts = pssOptions(key, info.hashBytes);
      return (data) => pssSign(hash, opts, data);
    }
    case 'ES': {
      const opts = ecdsaOptions(key);
      return (data) => ecdsaSign(hash, opts, data);
    }
    case 'EdDSA':
      return (data) => eddsaSign(key, data);
  }
}
