import assert from 'node:assert/strict';
import * as nodeCrypto from 'node:crypto';
import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { masterKeyId } from './master-key.js';
import { deriveMasterSubkey, withPreviousMasterKeys } from './master-keyring.js';
import { isSealedUnder, SealError, seal, unseal } from './sealing.js';

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
    assert.match(env, /^tsk2\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
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
    assert.throws(() => unseal('tsk3.a.b.c.d', master, 'k1'), SealError);
    const env = seal(secret, master, 'k1').split('.');
    env[2] = 'AAAA';
    assert.throws(() => unseal(env.join('.'), master, 'k1'), /malformed/);
  });
});

/** The envelope the previous release wrote: AES key = the raw master key. */
function legacySeal(plaintext: string, masterKey: Buffer, kid: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', masterKey.subarray(0, 32), nonce, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(`tsk1:${kid}`));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [
    'tsk1',
    masterKeyId(masterKey),
    nonce.toString('base64url'),
    ct.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
  ].join('.');
}

describe('sealing key separation and master-key switch', () => {
  test('the AES key is an HKDF subkey, not the raw master key (nor the refresh successor key)', () => {
    const env = seal(secret, master, 'k1');
    const [, , nonce, ct, tag] = env.split('.') as [string, string, string, string, string];
    const tryKey = (key: Buffer) => {
      const { createDecipheriv } = nodeCrypto;
      const d = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'), { authTagLength: 16 });
      d.setAAD(Buffer.from('tsk2:k1'));
      d.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
    };
    assert.throws(() => tryKey(master), 'the raw master key does not open it');
    const successor = Buffer.from(
      hkdfSync('sha256', master, Buffer.alloc(0), 'tessera refresh successor v1', 32),
    );
    assert.throws(() => tryKey(successor), 'the refresh successor key does not open it');
    assert.equal(tryKey(deriveMasterSubkey(master, 'tessera key sealing v2')), secret);
  });

  test('legacy tsk1 envelopes still open (read old, write new)', () => {
    const old = legacySeal(secret, master, 'k1');
    assert.equal(unseal(old, master, 'k1'), secret);
    assert.equal(isSealedUnder(old, master), false, 'a legacy envelope needs a rewrap');
    assert.equal(isSealedUnder(seal(secret, master, 'k1'), master), true);
    assert.throws(() => unseal(old, master, 'k2'), /another kid/);
  });

  test('a previous master key opens (tsk1 and tsk2) but never seals; without it the key is refused', () => {
    const previous = randomBytes(32);
    const current = withPreviousMasterKeys(randomBytes(32), [previous]);
    const underPrevious = seal(secret, previous, 'k1');
    const legacyUnderPrevious = legacySeal(secret, previous, 'k1');
    assert.equal(unseal(underPrevious, current, 'k1'), secret);
    assert.equal(unseal(legacyUnderPrevious, current, 'k1'), secret);
    assert.ok(isSealedUnder(seal(secret, current, 'k1'), current));
    assert.equal(isSealedUnder(underPrevious, current), false);
    assert.throws(() => unseal(underPrevious, randomBytes(32), 'k1'), /TESSERA_MASTER_KEY_PREVIOUS/);
  });
});
