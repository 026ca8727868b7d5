import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkClaims } from './claims.js';
import { type Check, explainClaims, explainWords } from './explain-claims.js';

const now = 1_795_454_635;
const byName = (checks: Check[], name: string) => checks.find((c) => c.name === name)!;
const opts = { issuer: 'https://auth.example', audience: 'api', clockTolerance: 30, now };
const good = { iss: 'https://auth.example', aud: ['web', 'api'], sub: 'u1', exp: now + 180, iat: now - 60 };

describe('explainClaims', () => {
  test('a valid payload: every check passes or informs, in words', () => {
    const checks = explainClaims(good, opts);
    assert.deepEqual(
      checks.map((c) => [c.name, c.status]),
      [
        ['exp', 'pass'],
        ['nbf', 'info'],
        ['iat', 'pass'],
        ['iss', 'pass'],
        ['aud', 'pass'],
        ['ids', 'pass'],
      ],
    );
    assert.equal(byName(checks, 'exp').message, 'expires in 3 minutes at 2026-11-23T17:26:55Z');
    assert.equal(byName(checks, 'aud').message, 'audience web, api contains api');
  });

  test('each failure carries the code checkClaims throws, and says why', () => {
    const policy = {
      issuer: new Set([opts.issuer]),
      audience: new Set([opts.audience]),
      clockTolerance: 30,
      maxAge: undefined,
      requireExp: true,
      requiredClaims: [],
    };
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ ...good, exp: now - 180 }, 'exp', /^expired 3 minutes ago at 2026-11-23T17:20:55Z$/],
      [{ ...good, exp: undefined }, 'exp', /^no exp claim, and one is required$/],
      [{ ...good, nbf: now + 600 }, 'nbf', /^not valid until .* \(in 10 minutes\)$/],
      [{ ...good, iat: now + 600 }, 'iat', /^issued in the future, at /],
      [{ ...good, iss: 'https://other.example' }, 'iss', /^issuer was https:\/\/other\.example, expected/],
      [{ ...good, aud: 'billing' }, 'aud', /^audience was billing, expected api$/],
      [{ ...good, aud: [1] }, 'aud', /^aud is not a string or an array of strings$/],
      [{ ...good, sub: 7 }, 'ids', /^sub is not a string$/],
    ];
    for (const [payload, name, message] of cases) {
      const check = byName(explainClaims(payload, opts), name);
      assert.equal(check.status, 'fail', name);
      assert.match(check.message, message);
      assert.throws(
        () => checkClaims(payload, policy, now),
        (err: { code: string }) => err.code === check.code,
      );
    }
  });

  test('within the clock tolerance an expired token still passes, and says so', () => {
    const check = byName(explainClaims({ ...good, exp: now - 10 }, opts), 'exp');
    assert.equal(check.status, 'pass');
    assert.match(check.message, /^expired 10 seconds ago at .*, within the 30 s clock tolerance$/);
  });

  test('an unset expectation is named by the caller', () => {
    const checks = explainClaims(good, {
      clockTolerance: 0,
      now,
      unset: { iss: 'no --iss', aud: 'no --aud' },
    });
    assert.equal(byName(checks, 'iss').message, 'issuer is "https://auth.example" (not checked: no --iss)');
    assert.equal(byName(checks, 'aud').message, 'audience is web, api (not checked: no --aud)');
    assert.equal(
      byName(explainClaims(good, { clockTolerance: 0, now }), 'aud').message,
      'audience is web, api (not checked: no expected audience)',
    );
  });

  test('the words of the other checks', () => {
    assert.equal(explainWords.signatureValid('ES256', 'k1'), 'signature is valid (ES256, kid k1)');
    assert.match(explainWords.signatureInvalid('k1'), /^signature does not match kid k1/);
  });
});
