// Private signing keys at rest: AES-256-GCM under the master key, a random 96-bit nonce per seal,
// and the key's kid as additional authenticated data, so a sealed blob cannot be moved to another
// row. Envelope: `tsk1.<master key id>.<nonce>.<ciphertext>.<tag>` (base64url parts).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { masterKeyId } from './master-key.js';

const VERSION = 'tsk1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export class SealError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SealError';
  }
}

function aad(kid: string): Buffer {
  return Buffer.from(`${VERSION}:${kid}`, 'utf8');
}

function checkKey(masterKey: Buffer): Buffer {
  if (masterKey.length < 32) throw new TypeError('masterKey must be at least 32 bytes');
  // AES-256 takes exactly 32 bytes; longer master keys use their first 32.
  return masterKey.subarray(0, 32);
}

/** Encrypts `plaintext` (a private JWK as JSON) for the row of `kid`. */
export function seal(plaintext: string, masterKey: Buffer, kid: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', checkKey(masterKey), nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(kid));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [
    VERSION,
    masterKeyId(masterKey),
    nonce.toString('base64url'),
    ciphertext.toString('base64url'),
    tag.toString('base64url'),
  ].join('.');
}

/** Decrypts an envelope made by `seal` for the same kid; throws SealError on any mismatch. */
export function unseal(envelope: string, masterKey: Buffer, kid: string): string {
  const parts = envelope.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION) throw new SealError('sealed key: unknown envelope format');
  const [, mkid, nonceB64, ctB64, tagB64] = parts as [string, string, string, string, string];
  if (mkid !== masterKeyId(masterKey)) {
    throw new SealError('sealed key was encrypted under a different master key (check TESSERA_MASTER_KEY)');
  }
  const nonce = Buffer.from(nonceB64, 'base64url');
  const tag = Buffer.from(tagB64, 'base64url');
  if (nonce.length !== NONCE_BYTES || tag.length !== TAG_BYTES) {
    throw new SealError('sealed key: malformed envelope');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', checkKey(masterKey), nonce, {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(aad(kid));
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
