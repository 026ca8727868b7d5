// Email normalisation: trimmed, lower-cased, Unicode NFC; a pragmatic shape check (one @, a dot
// in the domain, no spaces). Sub-addressing (+tag) is kept: it is a different mailbox to its owner.

export const MAX_EMAIL_LENGTH = 254;

const SHAPE = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;

export function normalizeEmail(input: string): string {
  return input.trim().normalize('NFC').toLowerCase();
}

export function isValidEmail(normalized: string): boolean {
  return (
    normalized.length <= MAX_EMAIL_LENGTH &&
    SHAPE.test(normalized) &&
    !/[\u0000-\u001f\u007f]/.test(normalized)
  );
}
