// Opaque refresh tokens: 256 random bits, stored only as a SHA-256 hash. A token's successor is
// derived from it with HMAC under a server-side key, so a retry inside the reuse interval gets the
// same successor back without the store ever holding a token in plain.
import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';

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
  return createHash('sha256').update(token).digest('base64url');
}

/** Deterministic successor of `token` under `key`: same input, same successor. */
export function deriveSuccessor(key: Buffer, token: string): string {
  return createHmac('sha256', key).update('tessera-refresh-successor\0').update(token).digest('base64url');
}

/** The successor key is derived from the master key so no extra secret has to be configured. */
export function deriveSuccessorKey(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'tessera refresh successor v1', 32));
}
