// POST /v1/auth/logout: revoke this session (named by the bearer token's `sid`, or by the refresh
// token in the body or cookie) with its refresh family and access tokens; clear the cookie; 204.
// POST /v1/auth/logout-all: the same for every session of the user, plus a `sub` deny-list entry.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { ApiError, invalidToken, missingToken } from '../errors.js';
import { bearerToken, verifyBearer } from '../plugins/authenticate.js';
import { clearRefreshCookie } from '../plugins/refresh-cookie.js';
import { parseOptionalBody, refreshTokenField } from '../plugins/validation.js';
import { presentedRefreshToken } from './auth-shared.js';

const LogoutBody = z.object({ refresh_token: refreshTokenField.optional() });

/** Verifiers accept `exp` this late; deny-list entries must outlive it. */
const TOLERANCE_MARGIN_SEC = 60;

interface Caller {
  userId: string;
  sessionId: string | undefined;
}

/**
 * Who is logging out: a valid bearer token wins; otherwise the refresh token (so a browser whose
 * access token has expired can still log out with its cookie).
 */
async function identify(ctx: AppContext, request: FastifyRequest): Promise<Caller> {
  const body = parseOptionalBody(request, LogoutBody);
  let bearerError: ApiError | undefined;
  if (bearerToken(request) !== undefined || request.headers.authorization !== undefined) {
    try {
      const auth = verifyBearer(ctx, request);
      return { userId: auth.sub, sessionId: auth.sid };
    } catch (err) {
      bearerError = err instanceof ApiError ? err : invalidToken();
    }
  }
  const presented = presentedRefreshToken(ctx, request, body.refresh_token);
  if (presented) {
    const session = await ctx.services.refresh.sessionOf(presented.token);
    if (session && session.revokedAt === null) return { userId: session.userId, sessionId: session.id };
    throw new ApiError('invalid_grant');
  }
  throw bearerError ?? missingToken();
}

export async function authLogoutRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { sessions, revocations, audit } = ctx.services;

  app.post('/v1/auth/logout', async (request, reply) => {
    const caller = await identify(ctx, request);
    if (caller.sessionId !== undefined) {
      await sessions.revoke(caller.sessionId, 'logout', { event: 'logout', ip: request.ip });
    }
    clearRefreshCookie(reply, ctx.config.cookieSecure);
    return reply.code(204).send();
  });

  app.post('/v1/auth/logout-all', async (request, reply) => {
    const caller = await identify(ctx, request);
    const now = ctx.clock.now();
    const revoked = await sessions.revokeAll(caller.userId, 'logout_all');
    // Also every token of the user issued before this second (sessions cover the rest exactly).
    const nowSec = Math.floor(now / 1000);
    await revocations.revokeUser(caller.userId, nowSec, nowSec + ctx.config.accessTtl + TOLERANCE_MARGIN_SEC);
    await audit.record('logout_all', {
      sub: caller.userId,
      sessionId: caller.sessionId ?? null,
      ip: request.ip,
      details: { sessions: revoked.length },
    });
    clearRefreshCookie(reply, ctx.config.cookieSecure);
    return reply.code(204).send();
  });
}
