// Recovery codes: ten single-use codes of 80 random bits each (16 base32 characters shown as
// XXXX-XXXX-XXXX-XXXX). With that much entropy a SHA-256 hash at rest is enough (no password
// hash needed); the user id is mixed in so equal hashes never link two accounts.
import { createHash, randomBytes } from 'node:crypto';

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // 32 symbols, no 0/O or 1/I look-alikes

export function generateRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const bytes = randomBytes(16);
    let text = '';
    for (let i = 0; i < 16; i++) text += ALPHABET[(bytes[i] as number) & 31];
    return text.match(/.{4}/g)!.join('-');
  });
}

/** What the user typed, without spaces, dashes or case; undefined when it cannot be a code. */
export function normalizeRecoveryCode(input: string): string | undefined {
  const text = input.replace(/[\s-]/g, '').toUpperCase();
  if (text.length !== 16) return undefined;
  for (const ch of text) if (!ALPHABET.includes(ch)) return undefined;
  return text;
}

export function hashRecoveryCode(userId: string, normalized: string): string {
  return createHash('sha256').update(`tessera-recovery\0${userId}\0${normalized}`).digest('base64url');
}
