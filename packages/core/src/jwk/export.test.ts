import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { exportJwk, exportJwks, exportPrivateJwk } from './export.js';
import { generateKey } from './generate.js';
import { publicKeyOf } from './import.js';
import { jwkThumbprint } from './thumbprint.js';

const PRIVATE = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

describe('exportJwk', () => {
  test('public members only, plus kid, alg, use: sig (RSA, EC, OKP; private or public key)', () => {
    const expected: Record<string, string[]> = {
      RS256: ['kty', 'n', 'e', 'kid', 'alg', 'use'],
      ES384: ['kty', 'crv', 'x', 'y', 'kid', 'alg', 'use'],
      EdDSA: ['kty', 'crv', 'x', 'kid', 'alg', 'use'],
    };
    for (const [alg, members] of Object.entries(expected)) {
      const key = generateKey(alg as 'RS256', { kid: `k-${alg}` });
      for (const k of [key, publicKeyOf(key)]) {
        const jwk = exportJwk(k);
        assert.deepEqual(Object.keys(jwk).sort(), [...members].sort());
        for (const name of PRIVATE) assert.equal(name in jwk, false, name);
        assert.equal(jwk.kid, `k-${alg}`);
        assert.equal(jwk.alg, alg);
        assert.equal(jwk.use, 'sig');
      }
    }
  });

  test('HS keys cannot be exported publicly', () => {
    assert.throws(() => exportJwk(generateKey('HS256')), TypeError);
    assert.throws(() => exportJwks([generateKey('HS256')]), TypeError);
  });

  test('exportJwks wraps the keys; exportPrivateJwk keeps private members', () => {
    const a = generateKey('ES256');
    const b = generateKey('EdDSA');
    const set = exportJwks([a, b]);
    assert.equal(set.keys.length, 2);
    assert.equal(jwkThumbprint(set.keys[0]!).slice(0, 16), a.kid);
    assert.equal(typeof exportPrivateJwk(a).d, 'string');
    assert.equal(typeof exportPrivateJwk(generateKey('HS256')).k, 'string');
  });
});

describe('jwkThumbprint', () => {
  test('RFC 7638 section 3.1 example', () => {
    // https://www.rfc-editor.org/rfc/rfc7638#section-3.1
    const jwk = {
      kty: 'RSA',
      n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      e: 'AQAB',
      alg: 'RS256',
      kid: '2011-04-29',
    };
    assert.equal(jwkThumbprint(jwk), 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  test('unknown kty or missing members are TypeErrors', () => {
    assert.throws(() => jwkThumbprint({ kty: 'XYZ' }), TypeError);
    assert.throws(() => jwkThumbprint({ kty: 'EC', crv: 'P-256', x: 'a' }), /jwk\.y/);
  });
});
