// User administration shared by the admin API and the CLI: list, change roles, disable. A change
// that takes rights away (roles changed, account disabled) cuts the user's live access tokens
// through a `sub` revocation; disabling also revokes every session (refresh family).
import type { Clock } from '../app-context.js';
import { ApiError } from '../errors.js';
import type { AuditLog, RevocationService } from '../services/types.js';
import type { SessionService } from '../sessions/session-service.js';
import type { UserRecord, UserStore } from '../stores/types.js';

/** Verifiers accept `exp` up to 30 s late; deny-list entries outlive the tokens by a margin. */
const DENY_MARGIN_SEC = 60;
export const ROLE_PATTERN = /^[a-z][a-z0-9_:-]{0,31}$/;

export interface UserAdminDeps {
  users: UserStore;
  revocations: Pick<RevocationService, 'revokeUser'>;
  sessions: Pick<SessionService, 'revokeAll'>;
  audit: AuditLog;
  clock: Clock;
  /** Access-token lifetime, seconds. */
  accessTtl: number;
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
    created_at: new Date(u.createdAt).toISOString(),
    updated_at: new Date(u.updatedAt).toISOString(),
  };
}

/** Applies a patch; throws ApiError not_found, or invalid_request when it would remove the last admin. */
export async function changeUser(
  deps: UserAdminDeps,
  id: string,
  patch: UserPatch,
  actor: string | null,
): Promise<UserRecord> {
  const user = await deps.users.findById(id);
  if (!user) throw new ApiError('not_found', { description: 'no such user' });
  const roles = patch.roles === undefined ? user.roles : [...new Set(patch.roles)];
  for (const role of roles) {
    if (!ROLE_PATTERN.test(role))
      throw new ApiError('invalid_request', { description: `invalid role: ${role}` });
  }
  const disabled = patch.disabled ?? user.disabled;
  const wasAdmin = user.roles.includes('admin') && !user.disabled;
  const staysAdmin = roles.includes('admin') && !disabled;
  if (wasAdmin && !staysAdmin && (await deps.users.countWithRole('admin')) <= 1) {
    throw new ApiError('invalid_request', {
      description: 'this is the last admin: make another admin first',
    });
  }
  const rolesChanged = roles.length !== user.roles.length || roles.some((r) => !user.roles.includes(r));
  if (!rolesChanged && disabled === user.disabled) return user;

  const now = deps.clock.now();
  const updated = await deps.users.update(id, { roles, disabled, updatedAt: now });
  if (!updated) throw new ApiError('not_found', { description: 'no such user' });
  const nowSec = Math.floor(now / 1000);
  if (rolesChanged || disabled) {
    // Tokens issued up to this second carry the old roles; the next refresh issues the new ones.
    await deps.revocations.revokeUser(id, nowSec + 1, nowSec + 1 + deps.accessTtl + DENY_MARGIN_SEC);
  }
  if (disabled && !user.disabled) await deps.sessions.revokeAll(id, 'disabled');
  await deps.audit.record('user_changed', {
    sub: id,
    actor,
    details: { roles, disabled, previous_roles: user.roles, previous_disabled: user.disabled },
  });
  return updated;
}
