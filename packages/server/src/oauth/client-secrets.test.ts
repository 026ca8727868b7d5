import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hashClientSecret, newClientId, newClientSecret, verifyClientSecret } from './client-secrets.js';

describe('client secrets', () => {
  test('256-bit secrets, short ids, SHA-256 hashes that never contain the secret', () => {
    const secret = newClientSecret();
    assert.match(secret, /^tcs_[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(secret.slice(4), 'base64url').length, 32);
    assert.match(newClientId(), /^c_[A-Za-z0-9_-]{16}$/);
    const hash = hashClientSecret(secret);
    assert.match(hash, /^sha256:[A-Za-z0-9_-]{43}$/);
    assert.ok(!hash.includes(secret.slice(4)));
    assert.notEqual(newClientSecret(), secret);
  });

  test('verifies only the right secret; an unknown client never verifies', () => {
    const secret = newClientSecret();
    const hash = hashClientSecret(secret);
    assert.equal(verifyClientSecret(hash, secret), true);
    assert.equal(verifyClientSecret(hash, `${secret}x`), false);
    assert.equal(verifyClientSecret(hash, ''), false);
    assert.equal(verifyClientSecret(undefined, secret), false);
    assert.equal(verifyClientSecret('sha256:short', secret), false);
  });
});
