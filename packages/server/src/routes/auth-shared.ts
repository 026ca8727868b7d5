// Pieces shared by the /v1/auth routes: the token response (refresh token in the cookie, or in the
// body for native apps), client info for sessions and audit, and finding the refresh token.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { allowedOriginSet, assertSameOrigin } from '../http/csrf.js';
import { refreshCookieOf, setRefreshCookie } from '../http/refresh-cookie.js';
import type { ClientInfo, IssuedTokens } from '../refresh/refresh-service.js';
import type { TokenResponse } from '../schemas/fields.js';

export function clientInfo(request: FastifyRequest): ClientInfo {
  const ua = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof ua === 'string' ? ua : undefined };
}

export type TokenResponseBody = z.infer<typeof TokenResponse>;

/** Sends the pair: the refresh token goes to the cookie unless `inBody` (native apps). */
export function sendTokens(
  ctx: AppContext,
  reply: FastifyReply,
  tokens: IssuedTokens,
  inBody: boolean,
): TokenResponseBody {
  const body: TokenResponseBody = {
    access_token: tokens.accessToken,
    token_type: 'Bearer',
    expires_in: tokens.expiresIn,
  };
  if (inBody) {
    body.refresh_token = tokens.refreshToken;
    body.refresh_expires_in = tokens.refreshExpiresIn;
  } else {
    setRefreshCookie(reply, tokens.refreshToken, tokens.refreshExpiresIn, ctx.config.cookieSecure);
  }
  reply.header('cache-control', 'no-store');
  reply.header('pragma', 'no-cache');
  return body;
}

export interface PresentedRefreshToken {
  token: string;
  /** The token came from the cookie (the reply should set the successor as a cookie). */
  fromCookie: boolean;
}

/**
 * The refresh token of the request: from the body if given, else from the cookie — and then the
 * request must pass the CSRF origin check (403 otherwise).
 */
export function presentedRefreshToken(
  ctx: AppContext,
  request: FastifyRequest,
  bodyToken: string | undefined,
): PresentedRefreshToken | undefined {
  if (bodyToken !== undefined) return { token: bodyToken, fromCookie: false };
  const cookie = refreshCookieOf(request);
  if (cookie === undefined) return undefined;
  assertSameOrigin(request, originsOf(ctx));
  return { token: cookie, fromCookie: true };
}

const originCache = new WeakMap<AppContext, ReadonlySet<string>>();

function originsOf(ctx: AppContext): ReadonlySet<string> {
  let set = originCache.get(ctx);
  if (!set) {
    set = allowedOriginSet(ctx.config.issuer, ctx.config.allowedOrigins);
    originCache.set(ctx, set);
  }
  return set;
}
