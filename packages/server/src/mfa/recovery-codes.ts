// Recovery codes: ten single-use codes of 120 random bits each (24 base32 characters shown as
// XXXX-XXXX-XXXX-XXXX-XXXX-XXXX). At 112 bits or more a fast hash at rest is enough (OWASP ASVS 5.0
// 6.5.2: no salted password hash needed); the user id is mixed in so equal hashes never link two
// accounts. Codes made before the length grew (16 characters, 80 bits) still work until replaced.
import { createHash, randomBytes } from 'node:crypto';

export const RECOVERY_CODE_COUNT = 10;
const CODE_LENGTH = 24;
const LEGACY_CODE_LENGTH = 16;
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // 32 symbols, no 0/O or 1/I look-alikes

export function generateRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const bytes = randomBytes(CODE_LENGTH);
    let text = '';
    for (let i = 0; i < CODE_LENGTH; i++) text += ALPHABET[(bytes[i] as number) & 31];
    return text.match(/.{4}/g)!.join('-');
  });
}

/** What the user typed, without spaces, dashes or case; undefined when it cannot be a code. */
export function normalizeRecoveryCode(input: string): string | undefined {
  const text = input.replace(/[\s-]/g, '').toUpperCase();
  if (text.length !== CODE_LENGTH && text.length !== LEGACY_CODE_LENGTH) return undefined;
  for (const ch of text) if (!ALPHABET.includes(ch)) return undefined;
  return text;
}

export function hashRecoveryCode(userId: string, normalized: string): string {
  return createHash('sha256').update(`tessera-recovery\0${userId}\0${normalized}`).digest('base64url');
}
