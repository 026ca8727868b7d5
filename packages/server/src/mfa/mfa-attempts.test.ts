import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMfaAttempts } from './mfa-attempts.js';

test('second-factor attempts are taken before the check: 40 at once, exactly 5 pass; a reset clears', async () => {
  const attempts = createMfaAttempts('5/15m');
  const results = await Promise.all(Array.from({ length: 40 }, () => attempts.attempt('u_1')));
  assert.equal(results.filter((r) => r.allowed).length, 5);
  assert.equal((await attempts.attempt('u_2')).allowed, true, 'another user is not affected');
  await attempts.reset('u_1');
  assert.equal((await attempts.attempt('u_1')).allowed, true);
});
