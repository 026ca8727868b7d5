// A revocation stream stays open only while the credential that opened it would still be accepted.
// An admin's stream ends when its token expires (at `exp`, without the verifiers' clock tolerance),
// is revoked or stops verifying (its signing key revoked), or the user is demoted or disabled; a
// client's when it is disabled or deleted, loses `revocations:read`, or its secret is rotated.
// The route re-checks on every feed event (a demotion publishes one) and on a timer (disabling a
// client changes a row without one).
import type { AppContext } from '../app-context.js';
import type { Caller } from '../oauth/client-auth.js';

export const FEED_SCOPE = 'revocations:read';

export interface StreamGuard {
  /** One key per credential owner, for the per-caller cap. */
  readonly key: string;
  /** Milliseconds epoch at which the credential expires (admin tokens), if any. */
  readonly expiresAt: number | undefined;
  stillAllowed(): Promise<boolean>;
}

export function streamGuard(ctx: AppContext, caller: Caller, bearerToken: string | undefined): StreamGuard {
  if (caller.kind === 'admin') {
    const { auth } = caller;
    const expiresAt = auth.exp === undefined ? undefined : auth.exp * 1000;
    return {
      key: `admin:${auth.sub}`,
      expiresAt,
      async stillAllowed() {
        if (expiresAt !== undefined && ctx.clock.now() >= expiresAt) return false;
        try {
          if (bearerToken === undefined) return false;
          ctx.services.keys.verifyAccessToken(bearerToken); // revoked (jti, sid, sub) or its key revoked: no longer verifies
        } catch {
          return false;
        }
        const user = await ctx.stores.users.findById(auth.sub);
        return user !== undefined && !user.disabled && user.roles.includes('admin');
      },
    };
  }
  const opened = caller.client;
  return {
    key: `client:${opened.id}`,
    expiresAt: undefined,
    async stillAllowed() {
      const client = await ctx.stores.clients.get(opened.id);
      return (
        client !== undefined &&
        !client.disabled &&
        client.scopes.includes(FEED_SCOPE) &&
        client.secretHash === opened.secretHash
      );
    },
  };
}
