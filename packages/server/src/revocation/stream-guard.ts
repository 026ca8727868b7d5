// A revocation stream stays open only while the credential that opened it would still be accepted.
// An admin's stream ends when the token expires or is revoked, or the user is demoted or disabled;
// a client's when it is disabled or deleted, loses `revocations:read`, or its secret is rotated.
// The route re-checks on every feed event and on a timer (stores change without feed events).
import type { AppContext } from '../app-context.js';
import type { Caller } from '../oauth/client-auth.js';

export interface StreamGuard {
  /** One key per credential owner, for the per-caller cap. */
  readonly key: string;
  /** Milliseconds epoch at which the credential expires (admin tokens), if any. */
  readonly expiresAt: number | undefined;
  stillAllowed(): Promise<boolean>;
}

export const FEED_SCOPE = 'revocations:read';

export function streamGuard(ctx: AppContext, caller: Caller): StreamGuard {
  if (caller.kind === 'admin') {
    const { auth } = caller;
    const exp = typeof auth.payload.exp === 'number' ? auth.payload.exp * 1000 : undefined;
    return {
      key: `admin:${auth.sub}`,
      expiresAt: exp,
      async stillAllowed() {
        if (exp !== undefined && ctx.clock.now() >= exp) return false;
        if (ctx.services.revocations.isRevoked(auth.payload)) return false;
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
