import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expiryOf } from './access-token.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

test('reads exp from the payload, in milliseconds', () => {
  const token = `${b64({ alg: 'ES256' })}.${b64({ exp: 1_800_000_000, name: 'Zoë ✓' })}.sig`;
  assert.equal(expiryOf(token, 900, 0), 1_800_000_000_000);
});

test('falls back to expires_in when the token is not a readable JWT', () => {
  assert.equal(expiryOf('opaque-token', 900, 1_000), 901_000);
  assert.equal(expiryOf(`${b64({})}.@@@.sig`, 60, 0), 60_000);
  assert.equal(expiryOf(`${b64({})}.${b64({ exp: 'soon' })}.sig`, 30, 0), 30_000);
});
