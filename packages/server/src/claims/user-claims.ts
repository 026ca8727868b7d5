// Per-user application claims, set by the admin API and the CLI. They reach tokens from the next
// refresh; with `revokeTokens` the user's live access tokens are cut at once (a `sub` revocation),
// so the next request refreshes and carries the new claims. Sessions stay signed in.
import type { Clock } from '../app-context.js';
import { ApiError } from '../errors.js';
import type { AuditLog, RevocationService } from '../services/types.js';
import type { UserRecord, UserStore } from '../stores/types.js';
import type { AccessTokenIssuer } from './access-token-issuer.js';

/** Verifiers accept `exp` up to 30 s late; deny-list entries outlive the tokens by a margin. */
const DENY_MARGIN_SEC = 60;

export interface UserClaimsDeps {
  users: UserStore;
  tokens: Pick<AccessTokenIssuer, 'storedClaimsProblem'>;
  revocations: Pick<RevocationService, 'revokeUser'>;
  audit: AuditLog;
  clock: Clock;
  accessTtl: number;
}

/** 400 naming the claim when `claims` are not acceptable application claims for `user`. */
export function assertStorableClaims(
  tokens: Pick<AccessTokenIssuer, 'storedClaimsProblem'>,
  user: Pick<UserRecord, 'id' | 'roles'>,
  claims: unknown,
): asserts claims is Record<string, unknown> {
  const problem = tokens.storedClaimsProblem(user as UserRecord, claims);
  if (problem) throw new ApiError('invalid_request', { description: `claims: ${problem}` });
}

export async function setUserClaims(
  deps: UserClaimsDeps,
  id: string,
  claims: unknown,
  opts: { revokeTokens?: boolean | undefined },
  actor: string | null,
): Promise<UserRecord> {
  const user = await deps.users.findById(id);
  if (!user) throw new ApiError('not_found', { description: 'no such user' });
  assertStorableClaims(deps.tokens, user, claims);
  const now = deps.clock.now();
  const updated = await deps.users.update(id, { claims, updatedAt: now });
  if (!updated) throw new ApiError('not_found', { description: 'no such user' });
  if (opts.revokeTokens) {
    const nowSec = Math.floor(now / 1000);
    await deps.revocations.revokeUser(id, nowSec + 1, nowSec + 1 + deps.accessTtl + DENY_MARGIN_SEC);
  }
  await deps.audit.record('user_changed', {
    sub: id,
    actor,
    details: { claims: Object.keys(claims), revoked_tokens: opts.revokeTokens === true },
  });
  return updated;
}
