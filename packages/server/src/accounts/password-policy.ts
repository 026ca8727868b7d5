// Password policy (NIST 800-63B, OWASP ASVS 5.0 V6.2): length 10-256 characters, not the email or
// its local part, not in the bundled breached-password list, and strong enough by zxcvbn's estimate
// (score 3 of 4, with the user's email as context). No composition rules: they push people to
// predictable patterns.
import { isBreachedPassword } from './breached-passwords.js';
import { estimateStrength, MIN_STRENGTH_SCORE } from './password-strength.js';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

/** Returns the first reason the password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string, email: string): string | undefined {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `password must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `password must be at most ${PASSWORD_MAX_LENGTH} characters`;
  const lower = password.toLowerCase();
  const mail = email.toLowerCase();
  const local = mail.split('@')[0] ?? '';
  if (lower === mail || (local.length > 0 && lower === local)) {
    return 'password must not be your email address';
  }
  if (isBreachedPassword(password)) {
    return 'password appears in lists of breached passwords; choose another';
  }
  const { score, warning } = estimateStrength(password, userWords(mail, local));
  if (score < MIN_STRENGTH_SCORE) {
    const why = warning ? ` (${warning.replace(/\.$/, '')})` : '';
    return `password is too easy to guess${why}; a few unrelated words make a strong one`;
  }
  return undefined;
}

/** Words an attacker targeting this account tries first: the email, its parts, the product name. */
function userWords(mail: string, local: string): string[] {
  const domain = mail.split('@')[1] ?? '';
  const parts = [...local.split(/[._+-]+/), ...domain.split('.')].filter((p) => p.length >= 3);
  return [...new Set([mail, local, local.replace(/[._+-]+/g, ''), ...parts, 'tessera'])];
}
