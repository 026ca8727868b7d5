import assert from 'node:assert/strict';
import { constants, createSecretKey, generateKeyPairSync, sign } from 'node:crypto';
import { describe, test } from 'node:test';
import { ALGORITHMS } from '../lib/algorithms.js';
import { ecdsaOptions, ecdsaVerify } from './ecdsa.js';
import { eddsaVerify } from './eddsa.js';
import { hmacSign, hmacVerify } from './hmac.js';
import { prepareSign, prepareVerify } from './primitive.js';

const data = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9';

function keysFor(alg: string) {
  if (alg.startsWith('HS')) {
    const k = createSecretKey(Buffer.alloc(64, 1));
    return { priv: k, pub: k };
  }
  if (alg.startsWith('RS') || alg.startsWith('PS')) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return { priv: privateKey, pub: publicKey };
  }
  if (alg === 'EdDSA') {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    return { priv: privateKey, pub: publicKey };
  }
  const namedCurve = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' }[alg]!;
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
  return { priv: privateKey, pub: publicKey };
}

describe('signature primitives', () => {
  test('every algorithm: sign then verify; other data or a flipped bit fails; exact lengths', () => {
    const lengths: Record<string, number> = {
      HS256: 32,
      HS384: 48,
      HS512: 64,
      ES256: 64,
      ES384: 96,
      ES512: 132,
      EdDSA: 64,
    };
    for (const alg of ALGORITHMS) {
      const { priv, pub } = keysFor(alg);
      const sig = prepareSign(alg, priv)(data);
      const verify = prepareVerify(alg, pub);
      assert.equal(sig.length, lengths[alg] ?? 256, alg);
      assert.equal(verify(data, sig), true, alg);
      assert.equal(verify(Buffer.from(data), sig), true, alg);
      assert.equal(verify(`${data}x`, sig), false, alg);
      const bad = Buffer.from(sig);
      bad[bad.length - 1]! ^= 1;
      assert.equal(verify(data, bad), false, alg);
      assert.equal(verify(data, sig.subarray(0, sig.length - 1)), false, alg);
      assert.equal(verify(data, Buffer.concat([sig, Buffer.alloc(1)])), false, alg);
      assert.equal(verify(data, Buffer.alloc(0)), false, alg);
    }
  });

  test('ECDSA: a DER signature of the same data is refused', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const der = sign('sha256', Buffer.from(data), privateKey);
    assert.equal(ecdsaVerify('sha256', ecdsaOptions(publicKey), 64, data, der), false);
    const p1363 = sign('sha256', Buffer.from(data), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    assert.equal(ecdsaVerify('sha256', ecdsaOptions(publicKey), 64, data, p1363), true);
  });

  test('PSS: the salt length must equal the hash length', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const verify = prepareVerify('PS256', publicKey);
    const withSalt = (saltLength: number) =>
      sign('sha256', Buffer.from(data), {
        key: privateKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength,
      });
    assert.equal(verify(data, withSalt(32)), true);
    assert.equal(verify(data, withSalt(0)), false);
    assert.equal(verify(data, withSalt(64)), false);
    // And a PKCS#1 v1.5 signature is not a PSS one.
    assert.equal(verify(data, sign('sha256', Buffer.from(data), privateKey)), false);
  });

  test('HMAC: full-length tags only, compared in constant time', () => {
    const secret = Buffer.alloc(32, 9);
    const tag = hmacSign('sha256', secret, data);
    assert.equal(hmacVerify('sha256', secret, data, tag), true);
    assert.equal(hmacVerify('sha256', secret, data, tag.subarray(0, 16)), false);
    assert.equal(hmacVerify('sha256', Buffer.alloc(32, 8), data, tag), false);
  });

  test('EdDSA: only 64-byte signatures reach the crypto call', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    assert.equal(eddsaVerify(publicKey, data, Buffer.alloc(63)), false);
    assert.equal(eddsaVerify(publicKey, data, Buffer.alloc(64)), false);
  });
});
