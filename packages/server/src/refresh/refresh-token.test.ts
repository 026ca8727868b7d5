import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import {
  deriveSuccessor,
  deriveSuccessorKey,
  generateRefreshToken,
  hashRefreshToken,
  isRefreshTokenShape,
} from './refresh-token.js';

test('refresh tokens carry 256 random bits and are stored as SHA-256', () => {
  const a = generateRefreshToken();
  const b = generateRefreshToken();
  assert.notEqual(a, b);
  assert.equal(Buffer.from(a, 'base64url').length, 32);
  assert.ok(isRefreshTokenShape(a));
  assert.equal(isRefreshTokenShape(`${a}x`), false);
  assert.equal(isRefreshTokenShape('a.b.c'), false);
  const h = hashRefreshToken(a);
  assert.notEqual(h, a);
  assert.equal(h, hashRefreshToken(a));
  assert.equal(Buffer.from(h, 'base64url').length, 32);
});

test('the successor is deterministic per key and token, and looks like a token', () => {
  const key = deriveSuccessorKey(randomBytes(32));
  const other = deriveSuccessorKey(randomBytes(32));
  const token = generateRefreshToken();
  const s1 = deriveSuccessor(key, token);
  assert.equal(deriveSuccessor(key, token), s1, 'a retry gets the same successor');
  assert.notEqual(deriveSuccessor(other, token), s1, 'another server key gives another successor');
  assert.notEqual(deriveSuccessor(key, generateRefreshToken()), s1);
  assert.ok(isRefreshTokenShape(s1));
  assert.notEqual(s1, token);
});
