// createVerifier: signatures, key lookup and options. Header, structure and claims policy have their own files.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { b64, base, claims, code, craft, es, header, hs, now } from '../../test/support/verify-fixtures.js';
import { generateKey } from '../jwk/generate.js';
import { publicKeyOf } from '../jwk/import.js';
import { createKeySet } from '../jwks/key-set.js';
import type { Alg } from '../lib/algorithms.js';
import type { KeySet, TesseraKey } from '../types.js';
import { createSigner } from './sign.js';
import { createVerifier } from './verify.js';

describe('createVerifier: signatures and keys', () => {
  test('accepts a token from createSigner for every algorithm', () => {
    for (const alg of ['HS256', 'HS384', 'HS512', 'PS256', 'ES384', 'ES512', 'EdDSA', 'RS512'] as Alg[]) {
      const key = generateKey(alg);
      const token = createSigner({ key, issuer: 'i', audience: 'a', now })({ sub: 'u1' });
      const out = createVerifier({
        keys: key.kind === 'secret' ? key : publicKeyOf(key),
        algorithms: [alg],
        now,
      })(token);
      assert.equal(out.payload.sub, 'u1');
      assert.equal(out.header.alg, alg);
    }
  });

  test('a flipped signature bit fails with ERR_JWS_SIGNATURE_INVALID', () => {
    const v = createVerifier(base);
    for (const token of [
      craft(es, header, claims),
      craft(hs, { ...header, alg: 'HS256', kid: 'hs' }, claims),
    ]) {
      assert.equal(v(token).payload.sub, 'u1');
      const sig = Buffer.from(token.slice(token.lastIndexOf('.') + 1), 'base64url');
      sig[0]! ^= 1;
      const bad = `${token.slice(0, token.lastIndexOf('.') + 1)}${sig.toString('base64url')}`;
      assert.equal(
        code(() => v(bad)),
        'ERR_JWS_SIGNATURE_INVALID',
      );
      // Payload swapped under a valid signature.
      const parts = token.split('.');
      assert.equal(
        code(() => v(`${parts[0]}.${b64({ ...claims, sub: 'admin' })}.${parts[2]}`)),
        'ERR_JWS_SIGNATURE_INVALID',
      );
    }
  });

  test('ES signatures in DER or of the wrong length are refused', () => {
    const v = createVerifier(base);
    const token = craft(es, header, claims);
    const [h, p, s] = token.split('.') as [string, string, string];
    const raw = Buffer.from(s, 'base64url');
    const r = raw.subarray(0, 32);
    const sv = raw.subarray(32);
    const int = (x: Buffer) => (x[0]! & 0x80 ? Buffer.concat([Buffer.from([0, ...[]]), x]) : x);
    const ri = int(r);
    const si = int(sv);
    const der = Buffer.concat([
      Buffer.from([0x30, ri.length + si.length + 4, 2, ri.length]),
      ri,
      Buffer.from([2, si.length]),
      si,
    ]);
    assert.equal(
      code(() => v(`${h}.${p}.${der.toString('base64url')}`)),
      'ERR_JWS_SIGNATURE_INVALID',
    );
    assert.equal(
      code(() => v(`${h}.${p}.${Buffer.concat([Buffer.alloc(1), raw]).toString('base64url')}`)),
      'ERR_JWS_SIGNATURE_INVALID',
    );
    assert.equal(
      code(() => v(`${h}.${p}.${raw.subarray(0, 63).toString('base64url')}`)),
      'ERR_JWS_SIGNATURE_INVALID',
    );
  });

  test('kid is a map lookup; unknown kid -> ERR_JWKS_NO_MATCHING_KEY', () => {
    const v = createVerifier(base);
    assert.equal(
      code(() => v(craft(es, { ...header, kid: 'other' }, claims))),
      'ERR_JWKS_NO_MATCHING_KEY',
    );
    assert.equal(
      code(() => v(craft(es, { ...header, kid: '__proto__' }, claims))),
      'ERR_JWKS_NO_MATCHING_KEY',
    );
  });

  test('a kid bound to another alg -> ERR_JOSE_ALG_NOT_ALLOWED (a key serves one alg)', () => {
    const v = createVerifier(base);
    // HS256 token naming the ES key's kid, even "signed" with anything: refused before crypto.
    assert.equal(
      code(() => v(craft(hs, { alg: 'HS256', kid: 'es' }, claims))),
      'ERR_JOSE_ALG_NOT_ALLOWED',
    );
  });

  test('without kid: the single key of that alg, else ERR_JWKS_NO_MATCHING_KEY', () => {
    const v = createVerifier(base);
    assert.equal(v(craft(es, { alg: 'ES256' }, claims)).payload.sub, 'u1');
    const two = createVerifier({ ...base, keys: [publicKeyOf(es), publicKeyOf(generateKey('ES256'))] });
    assert.equal(
      code(() => two(craft(es, { alg: 'ES256' }, claims))),
      'ERR_JWKS_NO_MATCHING_KEY',
    );
  });

  test('jku, x5u, jwk, x5c headers are never used to find a key', () => {
    const attacker = generateKey('ES256', { kid: 'es' });
    const v = createVerifier(base);
    const evil = {
      ...header,
      jku: 'http://127.0.0.1:1/jwks.json',
      x5u: 'http://127.0.0.1:1/cert.pem',
      jwk: { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' },
      x5c: ['MIIB'],
    };
    // Signed by a key the verifier does not hold, with the same kid: signature check fails.
    assert.equal(
      code(() => v(craft(attacker, evil, claims))),
      'ERR_JWS_SIGNATURE_INVALID',
    );
    // Signed by the real key, the extra members are harmless.
    assert.equal(v(craft(es, evil, claims)).payload.sub, 'u1');
  });

  test('a mutable KeySet: removing a key stops its tokens (header cache re-checked)', () => {
    const map = new Map<string, TesseraKey>([['es', publicKeyOf(es)]]);
    const set: KeySet = {
      get: (kid) => map.get(kid),
      get size() {
        return map.size;
      },
      list: () => [...map.values()],
    };
    const v = createVerifier({ ...base, keys: set, cache: { max: 10 } });
    const token = craft(es, header, claims);
    assert.equal(v(token).payload.sub, 'u1');
    assert.equal(v(token).payload.sub, 'u1');
    map.delete('es');
    assert.equal(
      code(() => v(token)),
      'ERR_JWKS_NO_MATCHING_KEY',
    );
    assert.equal(
      code(() => v(craft(es, header, { ...claims, sub: 'u2' }))),
      'ERR_JWKS_NO_MATCHING_KEY',
    );
  });

  test('immutable key sets from createKeySet are accepted', () => {
    const v = createVerifier({ ...base, keys: createKeySet([publicKeyOf(es)]) });
    assert.equal(v(craft(es, header, claims)).payload.sub, 'u1');
  });
});

describe('createVerifier: options', () => {
  test('bad options throw TypeError naming the option path', () => {
    const cases: Array<[object, RegExp]> = [
      [{ ...base, algorithms: [] }, /opts\.algorithms/],
      [{ ...base, algorithms: ['none'] }, /opts\.algorithms\[0\]/],
      [{ ...base, algorithms: ['ES256', 'HS257'] }, /opts\.algorithms\[1\]/],
      [{ ...base, keys: 'secret' }, /opts\.keys/],
      [{ ...base, clockTolerance: -1 }, /opts\.clockTolerance/],
      [{ ...base, maxAge: '5 minutes' }, /opts\.maxAge/],
      [{ ...base, cache: { max: 0 } }, /opts\.cache\.max/],
      [{ ...base, issuer: 5 }, /opts\.issuer/],
      [{ ...base, audience: [''] }, /opts\.audience\[0\]/],
      [{ ...base, requiredClaims: 'sub' }, /opts\.requiredClaims/],
      [{ ...base, maxTokenLength: 1.5 }, /opts\.maxTokenLength/],
      [{ ...base, isRevoked: true }, /opts\.isRevoked/],
    ];
    for (const [opts, re] of cases) {
      assert.throws(
        () => createVerifier(opts as never),
        (e: unknown) => e instanceof TypeError && re.test((e as Error).message),
      );
    }
  });
});
