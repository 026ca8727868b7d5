import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ClaimsPolicy, checkClaims, isNumericDate } from './claims.js';

const policy: ClaimsPolicy = {
  issuer: undefined,
  audience: undefined,
  clockTolerance: 10,
  maxAge: undefined,
  requireExp: true,
  requiredClaims: [],
};
const NOW = 1_000_000;

function fail(payload: Record<string, unknown>, p: Partial<ClaimsPolicy> = {}): string[] {
  try {
    checkClaims(payload, { ...policy, ...p }, NOW);
  } catch (err) {
    const e = err as { code: string; claim?: string; reason?: string };
    return [e.code, e.claim ?? '', e.reason ?? ''];
  }
  return ['ok'];
}

describe('checkClaims', () => {
  test('returns the time until which the claims stay valid (for the cache)', () => {
    assert.equal(checkClaims({ exp: NOW + 5 }, policy, NOW), NOW + 15);
    assert.equal(checkClaims({ exp: NOW + 500, iat: NOW - 50 }, { ...policy, maxAge: 100 }, NOW), NOW + 510);
    assert.equal(checkClaims({}, { ...policy, requireExp: false }, NOW), Number.POSITIVE_INFINITY);
  });

  test('exp boundary with tolerance: expired at exactly exp + tolerance', () => {
    assert.deepEqual(fail({ exp: NOW - 9 }), ['ok']);
    assert.deepEqual(fail({ exp: NOW - 10 }), ['ERR_JWT_EXPIRED', 'exp', 'mismatch']);
    assert.deepEqual(fail({}), ['ERR_JWT_CLAIM_INVALID', 'exp', 'missing']);
    assert.deepEqual(fail({ exp: Number.NaN }), ['ERR_JWT_CLAIM_INVALID', 'exp', 'invalid']);
  });

  test('nbf/iat boundaries', () => {
    assert.deepEqual(fail({ exp: NOW + 60, nbf: NOW + 10 }), ['ok']);
    assert.deepEqual(fail({ exp: NOW + 60, nbf: NOW + 11 }), ['ERR_JWT_NOT_YET_VALID', 'nbf', 'mismatch']);
    assert.deepEqual(fail({ exp: NOW + 60, iat: NOW + 11 }), ['ERR_JWT_NOT_YET_VALID', 'iat', 'mismatch']);
    assert.deepEqual(fail({ exp: NOW + 60, iat: NOW - 111 }, { maxAge: 100 }), [
      'ERR_JWT_EXPIRED',
      'iat',
      'mismatch',
    ]);
    assert.deepEqual(fail({ exp: NOW + 60 }, { maxAge: 100 }), ['ERR_JWT_CLAIM_INVALID', 'iat', 'missing']);
  });

  test('iss and aud reasons', () => {
    const p = { issuer: new Set(['i']), audience: new Set(['a', 'b']) };
    assert.deepEqual(fail({ exp: NOW + 60, iss: 'i', aud: 'b' }, p), ['ok']);
    assert.deepEqual(fail({ exp: NOW + 60, aud: 'a' }, p), ['ERR_JWT_CLAIM_INVALID', 'iss', 'missing']);
    assert.deepEqual(fail({ exp: NOW + 60, iss: 'j', aud: 'a' }, p), [
      'ERR_JWT_CLAIM_INVALID',
      'iss',
      'mismatch',
    ]);
    assert.deepEqual(fail({ exp: NOW + 60, iss: 'i' }, p), ['ERR_JWT_CLAIM_INVALID', 'aud', 'missing']);
    assert.deepEqual(fail({ exp: NOW + 60, iss: 'i', aud: ['c'] }, p), [
      'ERR_JWT_CLAIM_INVALID',
      'aud',
      'mismatch',
    ]);
    assert.deepEqual(fail({ exp: NOW + 60, iss: 'i', aud: [1] }, p), [
      'ERR_JWT_CLAIM_INVALID',
      'aud',
      'invalid',
    ]);
    assert.deepEqual(fail({ exp: NOW + 60, iss: 'i', aud: { a: 1 } }, p), [
      'ERR_JWT_CLAIM_INVALID',
      'aud',
      'invalid',
    ]);
  });

  test('requiredClaims and string identity claims', () => {
    assert.deepEqual(fail({ exp: NOW + 60 }, { requiredClaims: ['scope'] }), [
      'ERR_JWT_CLAIM_INVALID',
      'scope',
      'missing',
    ]);
    assert.deepEqual(fail({ exp: NOW + 60, sid: 5 }), ['ERR_JWT_CLAIM_INVALID', 'sid', 'invalid']);
  });

  test('isNumericDate', () => {
    assert.equal(isNumericDate(1.5), true);
    for (const v of [Number.POSITIVE_INFINITY, Number.NaN, '1', null, undefined, 1n])
      assert.equal(isNumericDate(v), false);
  });
});
