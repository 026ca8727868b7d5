// Issues user access tokens with their application claims: the user's stored `claims`, then what
// the claims hook computes, then the server's own claims (which always win). Every problem that
// would issue a wrong token fails closed: the hook throwing, hanging, returning a reserved name, or
// pushing the token past TESSERA_TOKEN_MAX_BYTES gives no token, a 503 and a logged error.
import type { Logger } from 'pino';
import { DomainError } from '../services/domain-error.js';
import type { KeyService } from '../services/types.js';
import type { ClientRecord, SessionRecord, UserRecord } from '../stores/types.js';
import { type ClaimsHook, ClaimsHookError, runClaimsHook } from './claims-hook.js';
import { claimsProblem } from './reserved-claims.js';

export interface UserTokenRequest {
  user: UserRecord;
  session: SessionRecord | null;
  /** The server-owned claims: sub, sid, roles, and for exchanged tokens act and scope. */
  base: Record<string, unknown>;
  /** Default: TESSERA_AUDIENCE. */
  audience?: string | string[] | undefined;
  client?: ClientRecord | null | undefined;
  scope?: string | undefined;
  /** Seconds; default the access-token lifetime. */
  ttl?: number | undefined;
}

export interface AccessTokenIssuer {
  /** Signs a user token; throws DomainError claims_unavailable (503) when application claims cannot be computed. */
  issueUserToken(request: UserTokenRequest): Promise<string>;
  /**
   * Why `claims` cannot be stored for `user` (a reserved name, or a token past the size limit),
   * naming the claim; undefined when they fit.
   */
  storedClaimsProblem(user: UserRecord, claims: unknown): string | undefined;
  readonly maxBytes: number;
  /** True when a claims hook is loaded (issuing can then fail, so refresh signs before spending). */
  readonly hasHook: boolean;
}

export interface AccessTokenIssuerOptions {
  keys: Pick<KeyService, 'signAccessToken'>;
  hook?: ClaimsHook | undefined;
  hookTimeoutMs: number;
  maxBytes: number;
  /** Every audience a user token may carry; the size check assumes the longest. */
  audiences: readonly string[];
  logger: Pick<Logger, 'error'>;
}

function unavailable(): DomainError {
  return new DomainError({ code: 'claims_unavailable' });
}

export function createAccessTokenIssuer(opts: AccessTokenIssuerOptions): AccessTokenIssuer {
  const { keys, hook, logger, maxBytes } = opts;
  const longestAudience = [...opts.audiences].sort((a, b) => b.length - a.length)[0];

  async function hookClaims(request: UserTokenRequest, userId: string): Promise<Record<string, unknown>> {
    if (!hook) return {};
    const { user, session, client } = request;
    try {
      const computed = await runClaimsHook(
        hook,
        {
          user: {
            id: user.id,
            email: user.email,
            roles: [...user.roles],
            claims: { ...(user.claims ?? {}) },
          },
          session: session ? { id: session.id } : null,
          client: client ? { id: client.id, name: client.name } : null,
          audience: request.audience ?? opts.audiences[0] ?? '',
          scope: request.scope,
        },
        opts.hookTimeoutMs,
      );
      const problem = claimsProblem(computed);
      if (problem) throw new ClaimsHookError(`the claims hook returned bad claims: ${problem}`);
      return computed;
    } catch (err) {
      logger.error({ err: (err as Error).message, sub: userId }, 'claims hook failed: no token issued');
      throw unavailable();
    }
  }

  return {
    maxBytes,
    hasHook: hook !== undefined,

    async issueUserToken(request) {
      const { user } = request;
      const computed = await hookClaims(request, user.id);
      const claims = { ...(user.claims ?? {}), ...computed, ...request.base };
      const token = keys.signAccessToken(claims, {
        ...(request.audience !== undefined ? { audience: request.audience } : {}),
        ...(request.ttl !== undefined ? { ttl: request.ttl } : {}),
      });
      if (token.length > maxBytes) {
        logger.error(
          {
            sub: user.id,
            bytes: token.length,
            max: maxBytes,
            claims: Object.keys({ ...(user.claims ?? {}), ...computed }),
          },
          'access token over TESSERA_TOKEN_MAX_BYTES: no token issued',
        );
        throw unavailable();
      }
      return token;
    },

    storedClaimsProblem(user, claims) {
      const problem = claimsProblem(claims);
      if (problem) return problem;
      // A typical token of this user: a session id, the user's roles, the longest audience.
      const probe = keys.signAccessToken(
        { ...(claims as Record<string, unknown>), sub: user.id, sid: 'x'.repeat(16), roles: user.roles },
        longestAudience === undefined ? {} : { audience: longestAudience },
      );
      if (probe.length <= maxBytes) return undefined;
      const largest = Object.entries(claims as Record<string, unknown>)
        .map(([name, value]) => [name, JSON.stringify(value).length] as const)
        .sort((a, b) => b[1] - a[1])[0]?.[0];
      return `claims make an access token of ${probe.length} bytes, over TESSERA_TOKEN_MAX_BYTES (${maxBytes})${
        largest ? `; the largest claim is "${largest}"` : ''
      }`;
    },
  };
}
