import assert from 'node:assert/strict';
import { test } from 'node:test';
import { breachedPasswords, isBreachedPassword } from './breached-passwords.js';
import { isValidEmail, normalizeEmail } from './email.js';
import { PASSWORD_MIN_LENGTH, passwordProblem } from './password-policy.js';

test('password policy: length, not the email, not breached, strong enough', () => {
  const email = 'alice.smith@example.com';
  assert.equal(passwordProblem('correct horse battery 42', email), undefined);
  assert.match(passwordProblem('short', email) ?? '', /at least 10/);
  assert.match(passwordProblem('x'.repeat(257) + 'yz', email) ?? '', /at most 256/);
  assert.match(passwordProblem('Alice.Smith@Example.com', email) ?? '', /email/);
  assert.match(passwordProblem('alice.smith', 'alice.smith@example.com') ?? '', /email/);
  assert.match(passwordProblem('Password123', email) ?? '', /breached/);
  assert.match(passwordProblem('1234567890', email) ?? '', /breached/);
  assert.match(passwordProblem('QWERTYUIOP', email) ?? '', /breached/, 'case does not matter');
  // Length counts characters, not UTF-16 units or bytes.
  assert.equal(passwordProblem('🔑🌵🚲🍋🎻🐙⛵🧲🪁🦉', email), undefined);
  assert.match(passwordProblem('🔑🌵🚲🍋🎻', email) ?? '', /at least 10/);
});

test('strength: patterns an attacker guesses early are refused with the reason', () => {
  const email = 'alice.smith@example.com';
  for (const weak of [
    'aaaaaaaaaaaa', // repeat
    'abcabcabcabc', // repeated pattern
    'alicesmith2024', // the user's own name plus a year
    'alice.smith1', // the email's local part and a digit
    'qwertyuiop12', // keyboard walk
    'P@ssw0rd2024!', // l33t of a top password
    'january1985', // a month and a year
  ]) {
    const problem = passwordProblem(weak, email);
    assert.match(problem ?? 'accepted', /too easy to guess|breached/, weak);
  }
  assert.match(passwordProblem('aaaaaaaaaaaa', email) ?? '', /too easy to guess \(Repeated characters/);
  for (const strong of ['correct horse battery staple', 'tangerine orbit 71 gravel', 'Zq8#vL2!mW9@xR']) {
    assert.equal(passwordProblem(strong, email), undefined, strong);
  }
});

test('long adversarial passwords are judged on their first 64 characters (bounded work)', () => {
  const email = 'bob@example.com';
  // Inputs that made zxcvbn take over a second at 256 characters.
  assert.match(passwordProblem('1234567890'.repeat(25), email) ?? '', /too easy/);
  assert.match(passwordProblem('aB3$'.repeat(64), email) ?? '', /too easy/);
  assert.equal(passwordProblem('correct horse battery staple '.repeat(8).trim(), email), undefined);
});

test('breached list: at least the top 3,000, and every entry the length rule lets through is refused', () => {
  const list = breachedPasswords();
  assert.ok(list.size >= 3_000, `only ${list.size} entries`);
  for (const top of ['123456', 'password', 'qwerty', 'iloveyou', 'dragon']) {
    assert.ok(isBreachedPassword(top), top);
  }
  let checked = 0;
  for (const entry of list) {
    const length = [...entry].length;
    if (length < PASSWORD_MIN_LENGTH || length > 256) continue;
    checked += 1;
    assert.match(passwordProblem(entry, 'someone@example.com') ?? '', /breached/, entry);
  }
  assert.ok(checked >= 1_000, `only ${checked} entries of policy length`);
  assert.equal(isBreachedPassword('tangerine orbit 71 gravel'), false);
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
