// User administration shared by the admin API and the CLI: list, create, change roles, disable. A
// change that takes rights away (roles changed, account disabled) cuts the user's live access tokens
// through a `sub` revocation; disabling also revokes every session (refresh family).
import { createAccount } from '../accounts/accounts.js';
import type { Clock } from '../app-context.js';
import type { SessionService } from '../sessions/session-service.js';
import type { UserRecord, UserStore } from '../stores/types.js';
import { fail } from './domain-error.js';
import type { AuditLog, RevocationService } from './types.js';

export const ROLE_PATTERN = /^[a-z][a-z0-9_:-]{0,31}$/;

export interface UserAdminDeps {
  users: UserStore;
  revocations: Pick<RevocationService, 'revokeUser'>;
  sessions: Pick<SessionService, 'revokeAll'>;
  audit: AuditLog;
  clock: Clock;
}

export interface UserPatch {
  roles?: string[] | undefined;
  disabled?: boolean | undefined;
}

export function describeUser(u: UserRecord) {
  return {
    id: u.id,
    email: u.email,
    roles: u.roles,
    disabled: u.disabled,
    claims: u.claims ?? {},
    email_verified: Boolean(u.emailVerifiedAt),
    created_at: new Date(u.createdAt).toISOString(),
    updated_at: new Date(u.updatedAt).toISOString(),
  };
}

/** Applies a patch; throws DomainError not_found, invalid_input or last_admin. */
export async function changeUser(
  deps: UserAdminDeps,
  id: string,
  patch: UserPatch,
  actor: string | null,
): Promise<UserRecord> {
  const user = await deps.users.findById(id);
  if (!user) throw fail({ code: 'not_found', message: 'no such user' });
  const roles = patch.roles === undefined ? user.roles : [...new Set(patch.roles)];
  for (const role of roles) {
    if (!ROLE_PATTERN.test(role)) throw fail({ code: 'invalid_input', message: `invalid role: ${role}` });
  }
  const disabled = patch.disabled ?? user.disabled;
  const wasAdmin = user.roles.includes('admin') && !user.disabled;
  const staysAdmin = roles.includes('admin') && !disabled;
  const rolesChanged = roles.length !== user.roles.length || roles.some((r) => !user.roles.includes(r));
  if (!rolesChanged && disabled === user.disabled) return user;

  const now = deps.clock.now();
  const values = { roles, disabled, updatedAt: now };
  // Taking admin away: the store writes only while another enabled admin exists, checked in the
  // same atomic step (two admins demoting each other at once cannot both pass).
  const updated =
    wasAdmin && !staysAdmin
      ? await deps.users.updateKeepingRole(id, 'admin', values)
      : await deps.users.update(id, values);
  if (updated === 'last_holder') throw fail({ code: 'last_admin' });
  if (!updated) throw fail({ code: 'not_found', message: 'no such user' });
  if (rolesChanged || disabled) {
    // Tokens issued up to this second carry the old roles; the next refresh issues the new ones.
    await deps.revocations.revokeUser(id, Math.floor(now / 1000) + 1);
  }
  if (disabled && !user.disabled) await deps.sessions.revokeAll(id, 'disabled');
  await deps.audit.record('user_changed', {
    sub: id,
    actor,
    details: { roles, disabled, previous_roles: user.roles, previous_disabled: user.disabled },
  });
  return updated;
}

/** Creates a user (admin API, CLI); throws DomainError invalid_input / weak_password / email_taken. */
export async function createUser(
  deps: Pick<UserAdminDeps, 'users' | 'audit' | 'clock'>,
  input: { email: string; password: string; roles?: string[] | undefined },
  actor: { sub: string | null; ip?: string | null },
): Promise<UserRecord> {
  const user = await createAccount(deps.users, deps.clock, {
    email: input.email,
    password: input.password,
    roles: input.roles ?? ['user'],
  });
  await deps.audit.record('user_created', {
    sub: user.id,
    actor: actor.sub,
    ip: actor.ip ?? null,
    details: { roles: user.roles },
  });
  return user;
}

/** One page of users, by id; `next` is the `after` of the following page. */
export async function listUsers(
  users: UserStore,
  page: { limit: number; after?: string | undefined },
): Promise<{ users: UserRecord[]; next: string | null }> {
  const list = await users.list(
    page.after ? { limit: page.limit, after: page.after } : { limit: page.limit },
  );
  return { users: list, next: list.length === page.limit ? (list.at(-1)?.id ?? null) : null };
}
