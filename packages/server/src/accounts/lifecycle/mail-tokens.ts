// One-time mail tokens: 256 random bits, base64url in the link; only their SHA-256 is stored, so a
// database dump holds no working link. The hash is a plain digest (not a slow hash): the token is
// full-entropy, and lookups must be indexable.
import { createHash, randomBytes } from 'node:crypto';

export function newMailToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashMailToken(token) };
}

export function hashMailToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** A token as it appears in a link: 43 base64url characters. Anything else is refused unread. */
export function isMailTokenShape(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}
