import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { exportJwk, exportPrivateJwk } from '../jwk/export.js';
import { generateKey } from '../jwk/generate.js';
import type { JsonWebKey } from '../jwk/json-web-key.js';
import { jwkThumbprint } from '../jwk/thumbprint.js';
import { createKeySet, importJwks } from './key-set.js';

const es256 = generateKey('ES256', { kid: 'es256' });
const es384 = generateKey('ES384', { kid: 'es384' });
const ed = generateKey('EdDSA', { kid: 'ed' });
const rsa = generateKey('RS256', { kid: 'rsa' });
const noAlg = (jwk: JsonWebKey) => {
  const { alg: _alg, ...rest } = jwk;
  return rest;
};

describe('importJwks', () => {
  test('keeps usable keys, skips wrong use, unknown kty, disallowed alg, junk', () => {
    const set = importJwks(
      {
        keys: [
          exportJwk(es256),
          { ...exportJwk(es384), kid: 'not-allowed' },
          { ...exportJwk(ed), use: 'enc' },
          { ...exportJwk(rsa), key_ops: ['encrypt'] },
          { kty: 'XYZ', kid: 'weird' },
          { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA', kid: 'broken', alg: 'ES256' },
          null as never,
          { ...exportJwk(es256), kid: 'lying-alg', alg: 'RS256' },
        ],
      },
      { algorithms: ['ES256', 'RS256'] },
    );
    assert.deepEqual(
      set.list().map((k) => k.kid),
      ['es256'],
    );
    assert.equal(set.get('es256')?.kind, 'public');
  });

  test('without alg: bound only when exactly one allowed alg fits (EC by curve, OKP -> EdDSA)', () => {
    const jwks = {
      keys: [noAlg(exportJwk(es256)), noAlg(exportJwk(es384)), noAlg(exportJwk(ed)), noAlg(exportJwk(rsa))],
    };
    const set = importJwks(jwks, { algorithms: ['ES256', 'ES384', 'EdDSA', 'RS256'] });
    assert.equal(set.get('es256')?.alg, 'ES256');
    assert.equal(set.get('es384')?.alg, 'ES384');
    assert.equal(set.get('ed')?.alg, 'EdDSA');
    assert.equal(set.get('rsa')?.alg, 'RS256');
    // Two RSA algorithms allowed: an RSA key without alg is ambiguous and skipped.
    const ambiguous = importJwks(jwks, { algorithms: ['RS256', 'PS256'] });
    assert.equal(ambiguous.get('rsa'), undefined);
    assert.equal(ambiguous.size, 0);
  });

  test('private members are dropped; keys without kid get their thumbprint', () => {
    const { kid: _kid, ...anon } = exportPrivateJwk(es256);
    const set = importJwks({ keys: [anon] }, { algorithms: ['ES256'] });
    const [key] = set.list();
    assert.equal(key?.kind, 'public');
    assert.equal(key?.kid, jwkThumbprint(exportJwk(es256)));
  });

  test('duplicate kids: the first key wins', () => {
    const other = generateKey('ES256', { kid: 'es256' });
    const set = importJwks({ keys: [exportJwk(es256), exportJwk(other)] }, { algorithms: ['ES256'] });
    assert.equal(set.size, 1);
    assert.deepEqual(exportJwk(set.get('es256')!), exportJwk(es256));
  });

  test('bad input is a TypeError with the path', () => {
    assert.throws(() => importJwks({ keys: 'x' } as never, { algorithms: ['ES256'] }), /jwks\.keys/);
    assert.throws(() => importJwks({ keys: [] }, { algorithms: [] }), /opts\.algorithms/);
  });
});

describe('createKeySet', () => {
  test('lookup by kid only; frozen; list is a copy', () => {
    const set = createKeySet([es256, ed]);
    assert.equal(set.get('ed'), ed);
    assert.equal(set.get('toString'), undefined);
    assert.equal(set.get('__proto__'), undefined);
    assert.equal(set.size, 2);
    set.list().pop();
    assert.equal(set.list().length, 2);
    assert.ok(Object.isFrozen(set));
    assert.throws(() => createKeySet([{} as never]), TypeError);
    // A hand-built key whose KeyObject is not what its alg says (the HS256-with-a-public-key trick).
    const forged = { kid: 'x', alg: 'HS256', kind: 'secret', keyObject: ed.publicKey } as never;
    assert.throws(() => createKeySet([forged]), TypeError);
    const lying = { kid: 'x', alg: 'ES384', kind: 'public', keyObject: es256.publicKey } as never;
    assert.throws(() => createKeySet([lying]), /P-384/);
  });
});
