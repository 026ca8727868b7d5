// checkStepUp on its own: which tokens pass requireAmr / maxAuthAge, and the exact RFC 9470 challenge.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toAuthInfo } from './auth-info.js';
import { authenticateSync } from './authenticate.js';
import { assertStepUpRules, checkStepUp } from './step-up.js';

const auth = (claims: Record<string, unknown>) => toAuthInfo({ alg: 'ES256' }, { sub: 'u1', ...claims });
const NOW = 1_800_000_000_000;

test('a token without amr fails requireAmr; the challenge names the values and max_age', () => {
  const denial = checkStepUp(auth({}), { requireAmr: ['mfa'], maxAuthAge: 600 }, 'api', NOW);
  assert.equal(denial?.status, 401);
  assert.equal(
    denial?.headers['www-authenticate'],
    'Bearer realm="api", error="insufficient_user_authentication", error_description="A stronger authentication is required", acr_values="mfa", max_age=600',
  );
});

test('auth_time older than maxAuthAge fails; at the limit it passes; missing auth_time fails', () => {
  const nowSec = NOW / 1000;
  assert.ok(checkStepUp(auth({ auth_time: nowSec - 61 }), { maxAuthAge: 60 }, undefined, NOW));
  assert.equal(checkStepUp(auth({ auth_time: nowSec - 60 }), { maxAuthAge: 60 }, undefined, NOW), undefined);
  assert.ok(checkStepUp(auth({}), { maxAuthAge: 60 }, undefined, NOW));
  assert.ok(checkStepUp(auth({ auth_time: String(nowSec) }), { maxAuthAge: 60 }, undefined, NOW));
});

test('every required amr value must be present', () => {
  const rules = { requireAmr: ['mfa', 'hwk'] };
  assert.ok(checkStepUp(auth({ amr: ['otp', 'pwd', 'mfa'] }), rules, undefined, NOW));
  assert.equal(checkStepUp(auth({ amr: ['hwk', 'pwd', 'mfa'] }), rules, undefined, NOW), undefined);
});

test('a missing role is still 403 before any step-up check', () => {
  const verifier = () => ({ header: { alg: 'ES256' as const }, payload: { sub: 'u1', roles: ['user'] } });
  const out = authenticateSync({ authorization: 'Bearer x.y.z', cookie: undefined, url: '/' }, verifier, {
    requireRoles: ['admin'],
    requireAmr: ['mfa'],
  });
  assert.equal(out.ok, false);
  if (!out.ok) assert.equal(out.denial.status, 403);
});

test('bad options are a TypeError naming the option', () => {
  assert.throws(() => assertStepUpRules({ maxAuthAge: -1 }), /options\.maxAuthAge/);
  assert.throws(() => assertStepUpRules({ requireAmr: [''] }), /options\.requireAmr/);
});
