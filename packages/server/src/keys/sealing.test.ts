import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { SealError, seal, unseal } from './sealing.js';

const master = randomBytes(32);
const secret = JSON.stringify({ kty: 'EC', crv: 'P-256', d: 'private-part', x: 'x', y: 'y' });

function flip(envelope: string, part: number): string {
  const parts = envelope.split('.');
  const bytes = Buffer.from(parts[part]!, 'base64url');
  bytes[0] = bytes[0]! ^ 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('sealing (AES-256-GCM)', () => {
  test('round-trips and never contains the plaintext', () => {
    const env = seal(secret, master, 'k1');
    assert.match(env, /^tsk1\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    assert.ok(!env.includes('private-part'));
    assert.equal(unseal(env, master, 'k1'), secret);
  });

  test('uses a fresh nonce on every seal', () => {
    assert.notEqual(seal(secret, master, 'k1'), seal(secret, master, 'k1'));
  });

  test('tampered nonce, ciphertext or tag fails', () => {
    const env = seal(secret, master, 'k1');
    for (const part of [2, 3, 4]) {
      assert.throws(() => unseal(flip(env, part), master, 'k1'), SealError);
    }
  });

  test('another kid (AAD) fails: a blob cannot move to another row', () => {
    const env = seal(secret, master, 'k1');
    assert.throws(() => unseal(env, master, 'k2'), /another kid/);
  });

  test('another master key fails with a clear message', () => {
    const env = seal(secret, master, 'k1');
    assert.throws(() => unseal(env, randomBytes(32), 'k1'), /different master key/);
  });

  test('malformed envelopes fail', () => {
    assert.throws(() => unseal('plain', master, 'k1'), SealError);
    assert.throws(() => unseal('tsk2.a.b.c.d', master, 'k1'), SealError);
    const env = seal(secret, master, 'k1').split('.');
    env[2] = 'AAAA';
    assert.throws(() => unseal(env.join('.'), master, 'k1'), /malformed/);
  });
});
