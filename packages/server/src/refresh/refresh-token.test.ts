import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import {
  deriveSuccessorKey,
  generateRefreshToken,
  hashRefreshToken,
  isRefreshTokenShape,
  successorDeriver,
} from './refresh-token.js';

const deriveSuccessor = (key: Buffer, token: string) => successorDeriver(key)(token);

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
  assert.equal(h, createHash('sha256').update(a).digest('base64url'));
  assert.equal(Buffer.from(h, 'base64url').length, 32);
});

test('the successor is HMAC-SHA-256 of the label and the token, byte for byte', () => {
  // Keys of every length a server could derive (HKDF gives 32 bytes), and the block-size edge.
  for (const keyLength of [1, 16, 32, 63, 64]) {
    const key = randomBytes(keyLength);
    const derive = successorDeriver(key);
    for (let i = 0; i < 50; i++) {
      const token = i === 0 ? '' : i === 1 ? 'é\u0000ü' : generateRefreshToken();
      const expected = createHmac('sha256', key)
        .update('tessera-refresh-successor\0')
        .update(token)
        .digest('base64url');
      assert.equal(derive(token), expected, `key of ${keyLength} bytes, token ${JSON.stringify(token)}`);
    }
  }
  assert.throws(() => successorDeriver(randomBytes(65)), /at most 64 bytes/);
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
