// Password policy (NIST 800-63B style): length 10–256, not the email or its local part, not a
// common password. No composition rules: they push people to predictable patterns.
import { isCommonPassword } from './common-passwords.js';

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
  if (isCommonPassword(password)) return 'password is too common; choose a less predictable one';
  if (new Set(password).size < 3) return 'password repeats too few distinct characters';
  return undefined;
}
