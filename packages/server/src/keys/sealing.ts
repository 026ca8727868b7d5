// Private signing keys at rest: AES-256-GCM, a random 96-bit nonce per seal, and the key's kid as
// additional authenticated data, so a sealed blob cannot be moved to another row.
// Envelope: `<version>.<master key id>.<nonce>.<ciphertext>.<tag>` (base64url parts).
// - tsk2 (written): the AES key is HKDF(master key, "tessera key sealing v2"), a subkey used for
//   nothing else.
// - tsk1 (read only): the AES key was the raw master key, which was also HKDF input elsewhere.
//   Still opened, so existing databases keep working; `tessera keys rewrap` rewrites them as tsk2.
// The master key id picks the key among the current and previous master keys (master-keyring.ts).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { masterKeyId } from './master-key.js';
import { deriveMasterSubkey, masterKeysThatOpen } from './master-keyring.js';

const CURRENT = 'tsk2';
const LEGACY = 'tsk1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export class SealError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SealError';
  }
}

function aad(version: string, kid: string): Buffer {
  return Buffer.from(`${version}:${kid}`, 'utf8');
}

function checkKey(masterKey: Buffer): Buffer {
  if (masterKey.length < 32) throw new TypeError('masterKey must be at least 32 bytes');
  return masterKey;
}

function cipherKey(version: string, masterKey: Buffer): Buffer {
  // tsk1: AES-256 took the first 32 bytes of the raw master key.
  return version === LEGACY
    ? masterKey.subarray(0, 32)
    : deriveMasterSubkey(masterKey, 'tessera key sealing v2');
}

/** Encrypts `plaintext` (a private JWK as JSON) for the row of `kid`, under the current master key. */
export function seal(plaintext: string, masterKey: Buffer, kid: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const key = cipherKey(CURRENT, checkKey(masterKey));
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(CURRENT, kid));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [
    CURRENT,
    masterKeyId(masterKey),
    nonce.toString('base64url'),
    ciphertext.toString('base64url'),
    tag.toString('base64url'),
  ].join('.');
}

/** Whether `envelope` is already in the current format under this master key (nothing to rewrap). */
export function isSealedUnder(envelope: string, masterKey: Buffer): boolean {
  return envelope.startsWith(`${CURRENT}.${masterKeyId(masterKey)}.`);
}

/**
 * Decrypts an envelope made by `seal` (or the legacy tsk1 format) for the same kid, with the current
 * master key or one of the previous ones attached to it; throws SealError on any mismatch.
 */
export function unseal(envelope: string, masterKey: Buffer, kid: string): string {
  const parts = envelope.split('.');
  if (parts.length !== 5 || (parts[0] !== CURRENT && parts[0] !== LEGACY)) {
    throw new SealError('sealed key: unknown envelope format');
  }
  const [version, mkid, nonceB64, ctB64, tagB64] = parts as [string, string, string, string, string];
  const opener = masterKeysThatOpen(checkKey(masterKey)).find((k) => masterKeyId(k) === mkid);
  if (!opener) {
    throw new SealError(
      'sealed key was encrypted under a different master key (check TESSERA_MASTER_KEY and TESSERA_MASTER_KEY_PREVIOUS)',
    );
  }
  const nonce = Buffer.from(nonceB64, 'base64url');
  const tag = Buffer.from(tagB64, 'base64url');
  if (nonce.length !== NONCE_BYTES || tag.length !== TAG_BYTES) {
    throw new SealError('sealed key: malformed envelope');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', cipherKey(version, opener), nonce, {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(aad(version, kid));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(ctB64, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  } catch (err) {
    throw new SealError('sealed key failed authentication (tampered, or sealed for another kid)', {
      cause: err,
    });
  }
}
