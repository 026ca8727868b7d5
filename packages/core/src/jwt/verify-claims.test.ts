// createVerifier: the claims policy (exp, nbf, iat, maxAge, iss, aud, required claims, revocation).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { b64, base, claims, code, craft, es, header, T } from '../../test/support/verify-fixtures.js';
import { prepareSign } from '../jws/primitive.js';
import { createVerifier } from './verify.js';

describe('createVerifier: claims', () => {
  const v = createVerifier(base);
  test('exp required by default; requireExp:false lifts it', () => {
    const { exp: _exp, ...noExp } = claims;
    const t = craft(es, header, noExp);
    assert.equal(
      code(() => v(t)),
      'ERR_JWT_CLAIM_INVALID',
    );
    assert.equal(createVerifier({ ...base, requireExp: false })(t).payload.sub, 'u1');
  });

  test('exp in the past beyond the tolerance -> ERR_JWT_EXPIRED; within it -> ok', () => {
    assert.equal(v(craft(es, header, { ...claims, exp: T - 29 })).payload.sub, 'u1');
    assert.equal(
      code(() => v(craft(es, header, { ...claims, exp: T - 30 }))),
      'ERR_JWT_EXPIRED',
    );
    const strict = createVerifier({ ...base, clockTolerance: 0 });
    assert.equal(
      code(() => strict(craft(es, header, { ...claims, exp: T }))),
      'ERR_JWT_EXPIRED',
    );
    assert.equal(strict(craft(es, header, { ...claims, exp: T + 1 })).payload.sub, 'u1');
  });

  test('nbf and iat in the future beyond the tolerance -> ERR_JWT_NOT_YET_VALID with claim', () => {
    const err = (c: object) => {
      try {
        v(craft(es, header, { ...claims, ...c }));
      } catch (e) {
        return [(e as { code: string }).code, (e as { claim: string }).claim];
      }
      return ['ok'];
    };
    assert.deepEqual(err({ nbf: T + 31 }), ['ERR_JWT_NOT_YET_VALID', 'nbf']);
    assert.deepEqual(err({ nbf: T + 30 }), ['ok']);
    assert.deepEqual(err({ iat: T + 31 }), ['ERR_JWT_NOT_YET_VALID', 'iat']);
    assert.deepEqual(err({ iat: T + 30 }), ['ok']);
    const tol = createVerifier({ ...base, clockTolerance: '2m' });
    assert.equal(tol(craft(es, header, { ...claims, nbf: T + 100 })).payload.sub, 'u1');
  });

  test('NumericDates must be finite numbers', () => {
    for (const c of [{ exp: '9999999999' }, { exp: null }, { nbf: 'x' }, { iat: true }, { exp: [T + 60] }]) {
      assert.equal(
        code(() => v(craft(es, header, { ...claims, ...c }))),
        'ERR_JWT_CLAIM_INVALID',
        JSON.stringify(c),
      );
    }
    // 1e400 parses to Infinity.
    const input = `${b64(header)}.${b64(JSON.stringify(claims).replace(/"exp":\d+/, '"exp":1e400'))}`;
    const t = `${input}.${prepareSign('ES256', es.keyObject)(input).toString('base64url')}`;
    assert.equal(
      code(() => v(t)),
      'ERR_JWT_CLAIM_INVALID',
    );
  });

  test('iss exact match, with a claim name on the error', () => {
    for (const iss of ['https://auth.example.com/', 'HTTPS://auth.example.com', undefined, 5]) {
      try {
        v(craft(es, header, { ...claims, iss }));
        assert.fail('accepted');
      } catch (e) {
        assert.equal((e as { code: string }).code, 'ERR_JWT_CLAIM_INVALID');
        assert.equal((e as { claim: string }).claim, 'iss');
      }
    }
    const multi = createVerifier({ ...base, issuer: ['a', 'https://auth.example.com'] });
    assert.equal(multi(craft(es, header, claims)).payload.sub, 'u1');
  });

  test('aud: string or array containing the expected audience', () => {
    assert.equal(v(craft(es, header, { ...claims, aud: ['x', 'api.example.com'] })).payload.sub, 'u1');
    for (const aud of ['x', ['x', 'y'], [], undefined, 7, ['api.example.com', 7]]) {
      assert.equal(
        code(() => v(craft(es, header, { ...claims, aud }))),
        'ERR_JWT_CLAIM_INVALID',
        JSON.stringify(aud),
      );
    }
  });

  test('maxAge checks iat; requiredClaims must be present', () => {
    const aged = createVerifier({ ...base, maxAge: '5m' });
    assert.equal(aged(craft(es, header, { ...claims, iat: T - 300 })).payload.sub, 'u1');
    assert.equal(
      code(() => aged(craft(es, header, { ...claims, iat: T - 331 }))),
      'ERR_JWT_EXPIRED',
    );
    const { iat: _iat, ...noIat } = claims;
    assert.equal(
      code(() => aged(craft(es, header, noIat))),
      'ERR_JWT_CLAIM_INVALID',
    );
    const req = createVerifier({ ...base, requiredClaims: ['sid', 'sub'] });
    assert.equal(
      code(() => req(craft(es, header, claims))),
      'ERR_JWT_CLAIM_INVALID',
    );
    assert.equal(req(craft(es, header, { ...claims, sid: 's' })).payload.sid, 's');
  });

  test('sub, jti, sid must be strings when present', () => {
    for (const c of [{ sub: 1 }, { jti: {} }, { sid: ['s'] }]) {
      assert.equal(
        code(() => v(craft(es, header, { ...claims, ...c }))),
        'ERR_JWT_CLAIM_INVALID',
      );
    }
  });

  test('isRevoked -> ERR_JWT_REVOKED', () => {
    const r = createVerifier({ ...base, isRevoked: (p) => p.sub === 'bad' });
    assert.equal(
      code(() => r(craft(es, header, { ...claims, sub: 'bad' }))),
      'ERR_JWT_REVOKED',
    );
    assert.equal(r(craft(es, header, claims)).payload.sub, 'u1');
  });

  test('error messages never contain the token', () => {
    const t = craft(es, header, { ...claims, exp: T - 100 });
    try {
      v(t);
      assert.fail('accepted');
    } catch (e) {
      const text = `${(e as Error).message} ${(e as Error).stack}`;
      for (const part of t.split('.')) assert.ok(!text.includes(part));
    }
  });
});
