import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { checkSecretStrength, materialLength } from './secret-strength.js';

describe('checkSecretStrength', () => {
  test('random secrets in every encoding pass', () => {
    for (let i = 0; i < 50; i++) {
      const bytes = randomBytes(32);
      for (const value of [
        bytes.toString('base64url'),
        bytes.toString('base64'),
        bytes.toString('hex'),
        new Uint8Array(bytes),
      ]) {
        const result = checkSecretStrength(value);
        assert.deepEqual(result, { ok: true, reasons: [] }, `failed on ${String(value)}`);
      }
    }
  });

  test('a long random passphrase with spaces passes', () => {
    const result = checkSecretStrength('correct horse battery staple; violet anchor 83 quietly orbit');
    assert.equal(result.ok, true, result.reasons.join(', '));
  });

  test('short values are weak and the reason gives the decoded size', () => {
    const result = checkSecretStrength('q3Rz9X_vLk2mP0aB7cWd1g');
    assert.equal(result.ok, false);
    assert.match(result.reasons[0]!, /shorter than 32 bytes: 16 bytes of base64(url)? material/);
    assert.match(
      checkSecretStrength('9f86d081884c7d659a2feaa0c55ad015a3bf4f1b').reasons[0]!,
      /20 bytes of hex/,
    );
  });

  test('known weak values are caught, padded, repeated or dressed up', () => {
    const weak = [
      'secret',
      'password123',
      'changeme',
      'your-256-bit-secret',
      'jwt_secret',
      'secretsecretsecretsecretsecretsecretsecret',
      'changeme!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
      'Your-256-Bit-Secret-Your-256-Bit-Secret-Your-256-Bit-Secret',
      'password1234567890password1234567890password12345',
      'S3cr3t000000000000000000000000000000000000000',
    ];
    for (const value of weak) {
      const result = checkSecretStrength(value);
      assert.equal(result.ok, false, value);
      assert.ok(
        result.reasons.some((r) => r.startsWith('built from the well-known weak value')),
        `${value}: ${result.reasons.join('; ')}`,
      );
    }
  });

  test('low-entropy and patterned values are weak even when long', () => {
    const cases: Array<[string, RegExp]> = [
      ['a'.repeat(64), /repeats a pattern of 1 character$/],
      ['abcd'.repeat(16), /repeats a pattern of 4 characters/],
      ['aabbaabbaabbabababbbaaabbbababababababababbbaaabababab', /low entropy/],
      ['abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', /sequential/],
    ];
    for (const [value, reason] of cases) {
      const result = checkSecretStrength(value);
      assert.equal(result.ok, false, value);
      assert.ok(
        result.reasons.some((r) => reason.test(r)),
        `${value}: ${result.reasons.join('; ')}`,
      );
    }
  });

  test('32 zero bytes are weak; reasons never quote the secret', () => {
    assert.equal(checkSecretStrength(new Uint8Array(32)).ok, false);
    const value = 'hunter2hunter2hunter2hunter2hunter2hunter2';
    const result = checkSecretStrength(value);
    assert.equal(result.ok, false);
    for (const r of result.reasons) assert.ok(!r.includes('hunter2'), r);
  });

  test('an empty secret is weak', () => {
    assert.deepEqual(checkSecretStrength(''), { ok: false, reasons: ['the secret is empty'] });
    assert.equal(checkSecretStrength(new Uint8Array()).ok, false);
  });

  test('materialLength decodes hex, base64 and base64url and counts raw text in bytes', () => {
    assert.deepEqual(materialLength('00ff'.repeat(8)), { bytes: 16, encoding: 'hex' });
    assert.deepEqual(materialLength('aB+/'.repeat(4)), { bytes: 12, encoding: 'base64' });
    assert.deepEqual(materialLength('aB-_'.repeat(4)), { bytes: 12, encoding: 'base64url' });
    assert.deepEqual(materialLength('héllo wörld'), { bytes: 13, encoding: 'raw' });
    assert.deepEqual(materialLength('changeme'), { bytes: 8, encoding: 'raw' });
    assert.deepEqual(materialLength('123456'), { bytes: 6, encoding: 'raw' });
  });
});
