// A revocation stream stays open only while the credential that opened it would still be accepted.
// An admin's stream ends when its token expires (at `exp`, without the verifiers' clock tolerance),
// is revoked or stops verifying (its signing key revoked), or the user is demoted or disabled; a
// client's when it is disabled or deleted, loses `revocations:read`, or its secret is rotated.
// The route checks the token in memory on every feed event (a demotion publishes one) and reads the
// stored user or client on a timer (rotating a client's secret publishes nothing).
import type { AppContext } from '../app-context.js';
import type { Caller } from '../oauth/client-auth.js';

export const FEED_SCOPE = 'revocations:read';

export interface StreamGuard {
  /** One key per credential owner, for the per-caller cap. */
  readonly key: string;
  /** Milliseconds epoch at which the credential expires (admin tokens), if any. */
  readonly expiresAt: number | undefined;
  /**
   * In memory, for every feed event (a burst of revocations must not become a burst of reads per
   * open stream): the admin token has not expired and still verifies. A demotion or a disabled
   * account revokes the user's tokens, so it fails here at once.
   */
  tokenStillValid(): boolean;
  /** tokenStillValid, then the stored user or client (on the timer: a client row changes silently). */
  stillAllowed(): Promise<boolean>;
}

export function streamGuard(ctx: AppContext, caller: Caller, bearerToken: string | undefined): StreamGuard {
  if (caller.kind === 'admin') {
    const { auth } = caller;
    const expiresAt = auth.exp === undefined ? undefined : auth.exp * 1000;
    const tokenStillValid = () => {
      if (expiresAt !== undefined && ctx.clock.now() >= expiresAt) return false;
      if (bearerToken === undefined) return false;
      try {
        ctx.services.keys.verifyAccessToken(bearerToken); // revoked (jti, sid, sub) or its key revoked: no longer verifies
        return true;
      } catch {
        return false;
      }
    };
    return {
      key: `admin:${auth.sub}`,
      expiresAt,
      tokenStillValid,
      async stillAllowed() {
        if (!tokenStillValid()) return false;
        const user = await ctx.stores.users.findById(auth.sub);
        return user !== undefined && !user.disabled && user.roles.includes('admin');
      },
    };
  }
  const opened = caller.client;
  return {
    key: `client:${opened.id}`,
    expiresAt: undefined,
    tokenStillValid: () => true, // a secret, not a token: the stored client decides
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
