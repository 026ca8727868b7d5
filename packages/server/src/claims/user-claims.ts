// Per-user application claims, set by the admin API and the CLI. They reach tokens from the next
// refresh; with `revokeTokens` the user's live access tokens are cut at once (a `sub` revocation),
// so the next request refreshes and carries the new claims. Sessions stay signed in.
import type { Clock } from '../app-context.js';
import { DomainError } from '../services/domain-error.js';
import type { AuditLog, RevocationService } from '../services/types.js';
import type { UserRecord, UserStore } from '../stores/types.js';
import type { AccessTokenIssuer } from './access-token-issuer.js';

export interface UserClaimsDeps {
  users: UserStore;
  tokens: Pick<AccessTokenIssuer, 'storedClaimsProblem'>;
  revocations: Pick<RevocationService, 'revokeUser'>;
  audit: AuditLog;
  clock: Clock;
}

/** 400 naming the claim when `claims` are not acceptable application claims for `user`. */
export function assertStorableClaims(
  tokens: Pick<AccessTokenIssuer, 'storedClaimsProblem'>,
  user: Pick<UserRecord, 'id' | 'roles'>,
  claims: unknown,
): asserts claims is Record<string, unknown> {
  const problem = tokens.storedClaimsProblem(user as UserRecord, claims);
  if (problem) throw new DomainError({ code: 'invalid_input', message: `claims: ${problem}` });
}

export async function setUserClaims(
  deps: UserClaimsDeps,
  id: string,
  claims: unknown,
  opts: { revokeTokens?: boolean | undefined },
  actor: string | null,
): Promise<UserRecord> {
  const user = await deps.users.findById(id);
  if (!user) throw new DomainError({ code: 'not_found', message: 'no such user' });
  assertStorableClaims(deps.tokens, user, claims);
  const now = deps.clock.now();
  const updated = await deps.users.update(id, { claims, updatedAt: now });
  if (!updated) throw new DomainError({ code: 'not_found', message: 'no such user' });
  if (opts.revokeTokens) {
    const nowSec = Math.floor(now / 1000);
    await deps.revocations.revokeUser(id, nowSec + 1);
  }
  await deps.audit.record('user_changed', {
    sub: id,
    actor,
    details: { claims: Object.keys(claims), revoked_tokens: opts.revokeTokens === true },
  });
  return updated;
}
