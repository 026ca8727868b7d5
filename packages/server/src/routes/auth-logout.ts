// POST /v1/auth/logout: revoke this session (named by the bearer token's `sid`, or by the refresh
// token in the body or cookie) with its refresh family and access tokens; clear the cookie; 204.
// POST /v1/auth/logout-all: the same for every session of the user, plus a `sub` deny-list entry.
import { challenge } from '@tessera/verify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { ApiError, deniedError } from '../errors.js';
import { clearRefreshCookie } from '../http/refresh-cookie.js';
import { authenticateBearer, serverVerifier } from '../plugins/authenticate.js';
import { ErrorBody, NoContent, refreshTokenField } from '../schemas/fields.js';
import { SECURITY } from '../schemas/security.js';
import { optionalBody, routeSchema } from '../schemas/zod-provider.js';
import type { Caller } from '../services/auth-flows.js';
import { clientInfo, presentedRefreshToken } from './auth-shared.js';

const LogoutBody = optionalBody(z.object({ refresh_token: refreshTokenField.optional() }));

export async function authLogoutRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { auth } = ctx.services;
  const verifier = serverVerifier(ctx);

  /**
   * Who is logging out: a valid bearer token wins; otherwise the refresh token (so a browser whose
   * access token has expired can still log out with its cookie).
   */
  async function callerOf(request: FastifyRequest, bodyToken: string | undefined): Promise<Caller> {
    const outcome = authenticateBearer(verifier, request, { optional: true });
    if (outcome.ok && outcome.auth) return { userId: outcome.auth.sub, sessionId: outcome.auth.sid };
    const presented = presentedRefreshToken(ctx, request, bodyToken);
    if (presented) return auth.callerOfRefreshToken(presented.token, clientInfo(request));
    if (!outcome.ok) throw deniedError(outcome.denial);
    // Neither credential: the bare challenge of a missing token.
    throw new ApiError('unauthorized', { headers: { 'www-authenticate': challenge(undefined) } });
  }

  const schema = {
    security: SECURITY.bearerOrRefresh,
    body: LogoutBody,
    response: { 204: NoContent, 401: ErrorBody },
  };

  routeSchema(app).post(
    '/v1/auth/logout',
    { schema: { summary: 'Sign out of this session', ...schema } },
    async (request, reply) => {
      const caller = await callerOf(request, request.body.refresh_token);
      await auth.logout(caller, request.ip);
      clearRefreshCookie(reply, ctx.config.cookieSecure);
      return reply.code(204).send();
    },
  );

  routeSchema(app).post(
    '/v1/auth/logout-all',
    { schema: { summary: 'Sign out of every session', ...schema } },
    async (request, reply) => {
      const caller = await callerOf(request, request.body.refresh_token);
      await auth.logoutAll(caller, request.ip);
      clearRefreshCookie(reply, ctx.config.cookieSecure);
      return reply.code(204).send();
    },
  );
}
