import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isValidEmail, normalizeEmail } from './email.js';
import { passwordProblem } from './password-policy.js';

test('password policy: length, not the email, not common', () => {
  const email = 'alice.smith@example.com';
  assert.equal(passwordProblem('correct horse battery 42', email), undefined);
  assert.match(passwordProblem('short', email) ?? '', /at least 10/);
  assert.match(passwordProblem('x'.repeat(257) + 'yz', email) ?? '', /at most 256/);
  assert.match(passwordProblem('Alice.Smith@Example.com', email) ?? '', /email/);
  assert.match(passwordProblem('alice.smith', 'alice.smith@example.com') ?? '', /email/);
  assert.match(passwordProblem('Password123', email) ?? '', /common/);
  assert.match(passwordProblem('1234567890', email) ?? '', /common/);
  assert.match(passwordProblem('aaaaaaaaaaaa', email) ?? '', /distinct/);
  // Length counts characters, not UTF-16 units or bytes.
  assert.equal(passwordProblem('🔑🔑🔑🔑🔑🗝️🗝️🗝️🗝️🗝️', email), undefined);
});

test('email normalisation and shape', () => {
  assert.equal(normalizeEmail('  Alice@Example.COM '), 'alice@example.com');
  assert.ok(isValidEmail('a+tag@example.co'));
  for (const bad of [
    'a@b',
    'no-at.example.com',
    'a b@example.com',
    '@example.com',
    `${'a'.repeat(250)}@e.com`,
  ]) {
    assert.equal(isValidEmail(normalizeEmail(bad)), false, bad);
  }
});
