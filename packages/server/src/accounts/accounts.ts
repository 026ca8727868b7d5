// Account operations shared by register, the admin API, the CLI and the bootstrap admin:
// create (policy + argon2id + unique email), authenticate (constant work), change password.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../app-context.js';
import { fail } from '../services/domain-error.js';
import { DuplicateEmailError, type UserRecord, type UserStore } from '../stores/types.js';
import { isValidEmail, normalizeEmail } from './email.js';
import { passwordProblem } from './password-policy.js';
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from './passwords.js';

export function newUserId(): string {
  return `u_${randomBytes(12).toString('base64url')}`;
}

export interface NewAccount {
  email: string;
  password: string;
  roles?: string[];
}

/** Creates a user; throws DomainError invalid_input / weak_password / email_taken. */
export async function createAccount(users: UserStore, clock: Clock, input: NewAccount): Promise<UserRecord> {
  const email = normalizeEmail(input.email);
  if (!isValidEmail(email)) throw fail({ code: 'invalid_input', message: 'email is not a valid address' });
  const problem = passwordProblem(input.password, email);
  if (problem) throw fail({ code: 'weak_password', message: problem });
  const passwordHash = await hashPassword(input.password);
  const now = clock.now();
  try {
    return await users.create({
      id: newUserId(),
      email,
      passwordHash,
      roles: input.roles ?? ['user'],
      disabled: false,
      createdAt: now,
    });
  } catch (err) {
    if (err instanceof DuplicateEmailError) throw fail({ code: 'email_taken' });
    throw err;
  }
}

export type AuthResult =
  | { ok: true; user: UserRecord }
  | { ok: false; reason: 'unknown_user' | 'wrong_password' | 'disabled'; user?: UserRecord };

/**
 * Checks a password. Every path runs exactly one argon2id verification, so the three failures
 * take the same time and the caller answers them with the same 401.
 */
export async function authenticate(users: UserStore, email: string, password: string): Promise<AuthResult> {
  const user = await users.findByEmail(normalizeEmail(email));
  if (!user) {
    await verifyAgainstDummy(password);
    return { ok: false, reason: 'unknown_user' };
  }
  const matches = await verifyPassword(user.passwordHash, password);
  if (!matches) return { ok: false, reason: 'wrong_password', user };
  if (user.disabled) return { ok: false, reason: 'disabled', user };
  if (needsRehash(user.passwordHash)) return { ok: true, user: await upgradeHash(users, user, password) };
  return { ok: true, user };
}

/**
 * An imported (bcrypt, PBKDF2, other argon2) hash just matched: store the password under the
 * current argon2id parameters. The password itself did not change (passwordChangedAt stays, no
 * session is touched); a failed write only means the upgrade happens at the next login.
 */
async function upgradeHash(users: UserStore, user: UserRecord, password: string): Promise<UserRecord> {
  try {
    const passwordHash = await hashPassword(password);
    return (await users.update(user.id, { passwordHash, updatedAt: user.updatedAt })) ?? user;
  } catch {
    return user;
  }
}

/** Sets a new password after the policy check; returns the updated user. */
export async function setPassword(
  users: UserStore,
  clock: Clock,
  user: UserRecord,
  newPassword: string,
): Promise<UserRecord> {
  const problem = passwordProblem(newPassword, user.email);
  if (problem) throw fail({ code: 'weak_password', message: problem });
  const now = clock.now();
  const updated = await users.update(user.id, {
    passwordHash: await hashPassword(newPassword),
    passwordChangedAt: now,
    updatedAt: now,
  });
  if (!updated) throw fail({ code: 'invalid_token' });
  return updated;
}
