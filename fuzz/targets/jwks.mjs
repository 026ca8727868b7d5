// JWKS import (core's importJwks and importKey) with mutated JWKs: deleted and retyped members, random
// values, wrong curves and sizes, private members in public keys. Properties: importKey returns or
// throws TypeError/TesseraError; importJwks never throws for a well-formed {keys: [...]} (it skips
// keys it cannot use) and every key it returns is bound to an allowed algorithm.
import {
  exportJwk,
  exportPrivateJwk,
  generateKey,
  importJwks,
  importKey,
  isTesseraError,
} from '@tessera/core';
import fc from 'fast-check';
import { runForBudget } from '../lib/budget.mjs';

const ALGS = ['ES256', 'ES384', 'ES512', 'EdDSA', 'RS256', 'PS256', 'HS256'];

function baseJwks() {
  const out = [];
  for (const alg of ['ES256', 'ES384', 'EdDSA', 'RS256', 'HS256']) {
    const key = generateKey(alg, { kid: alg.toLowerCase() });
    if (alg !== 'HS256') out.push({ ...exportJwk(key) });
    out.push({ ...exportPrivateJwk(key) });
  }
  return out;
}

const valueArb = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc
    .base64String({ maxLength: 700 })
    .map((s) => s.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(
    'EC',
    'RSA',
    'OKP',
    'oct',
    'P-256',
    'P-384',
    'P-521',
    'Ed25519',
    'Ed448',
    'X25519',
    'secp256k1',
    'AQAB',
    '',
  ),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

function jwkArb(bases) {
  return fc
    .tuple(
      fc.constantFrom(...bases),
      fc.array(
        fc.tuple(
          fc.constantFrom(
            'kty',
            'crv',
            'x',
            'y',
            'd',
            'n',
            'e',
            'k',
            'p',
            'q',
            'alg',
            'use',
            'key_ops',
            'kid',
            'dp',
            'dq',
            'qi',
            'x5c',
            'ext',
          ),
          fc.nat(2),
          valueArb,
        ),
        { maxLength: 4 },
      ),
      fc.constantFrom(...bases),
    )
    .map(([base, edits, other]) => {
      const jwk = { ...base };
      for (const [member, action, value] of edits) {
        if (action === 0) delete jwk[member];
        else if (action === 1) jwk[member] = value;
        else jwk[member] = other[member]; // a member of another key: mismatched curve, size or type
      }
      return jwk;
    });
}

export async function jwksTarget(seconds) {
  const bases = baseJwks();
  const counter = { n: 0 };
  const property = fc.property(
    fc.array(jwkArb(bases), { minLength: 1, maxLength: 4 }),
    fc.subarray(ALGS, { minLength: 1 }),
    fc.constantFrom(...ALGS),
    (jwks, allowed, alg) => {
      counter.n += 1;
      const set = importJwks({ keys: jwks }, { algorithms: allowed });
      for (const key of set.list()) {
        if (!allowed.includes(key.alg))
          throw new Error(`importJwks returned a ${key.alg} key outside ${allowed}`);
      }
      for (const jwk of jwks) {
        try {
          importKey(jwk, { alg });
        } catch (err) {
          if (!(err instanceof TypeError) && !isTesseraError(err)) {
            throw new Error(`importKey threw ${err?.name}: ${err?.message}`, { cause: err });
          }
        }
      }
    },
  );
  return runForBudget('jwks-import', property, { seconds, counter, chunk: 200 });
}
