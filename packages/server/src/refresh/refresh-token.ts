// Opaque refresh tokens: 256 random bits, stored only as a SHA-256 hash. A token's successor is
// derived from it with HMAC under a server-side key, so a retry inside the reuse interval gets the
// same successor back without the store ever holding a token in plain.
//
// Both run on every refresh, through one-shot `crypto.hash` rather than createHash/createHmac:
// each Hash or Hmac object is a native object that V8 tracks with a weak handle, and the handles
// of the objects that died are processed inside the next young-generation GC pause (about 1 µs
// each, all at once). At a few thousand refreshes a second that made every scavenge 2-5 ms long,
// the largest part of the refresh's tail latency.
import { hash, hkdfSync, randomBytes } from 'node:crypto';

export const REFRESH_TOKEN_BYTES = 32;

/** A refresh token is 43 base64url characters (256 bits); anything else is rejected before lookup. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function generateRefreshToken(): string {
  return randomBytes(REFRESH_TOKEN_BYTES).toString('base64url');
}

export function isRefreshTokenShape(value: string): boolean {
  return TOKEN_SHAPE.test(value);
}

/** What the store keeps: SHA-256 of the token, base64url. */
export function hashRefreshToken(token: string): string {
  return hash('sha256', token, 'base64url');
}

const SUCCESSOR_LABEL = 'tessera-refresh-successor\0';
const SHA256_BLOCK_BYTES = 64;

/**
 * The successor of a token under `key`, deterministic (same input, same successor):
 * HMAC-SHA-256(key, "tessera-refresh-successor\0" || token). HMAC is computed as RFC 2104 defines
 * it, H((K ^ opad) || H((K ^ ipad) || message)), from two one-shot hashes over pads computed once
 * per key; the tests check it against createHmac byte for byte.
 */
export function successorDeriver(key: Buffer): (token: string) => string {
  if (key.length > SHA256_BLOCK_BYTES) throw new Error('successor key: at most 64 bytes');
  const pad = (byte: number) => {
    const block = Buffer.alloc(SHA256_BLOCK_BYTES, byte);
    for (let i = 0; i < key.length; i++) block[i] = (key[i] as number) ^ byte;
    return block;
  };
  const innerPrefix = Buffer.concat([pad(0x36), Buffer.from(SUCCESSOR_LABEL, 'latin1')]);
  const outerPad = pad(0x5c);
  return (token) => {
    const inner = hash('sha256', Buffer.concat([innerPrefix, Buffer.from(token, 'utf8')]), 'buffer');
    return hash('sha256', Buffer.concat([outerPad, inner]), 'base64url');
  };
}

/** The successor key is derived from the master key so no extra secret has to be configured. */
export function deriveSuccessorKey(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'tessera refresh successor v1', 32));
}
