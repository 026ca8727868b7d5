// POST /v1/auth/refresh: refresh token from {refresh_token} or the `tessera_rt` cookie (with the CSRF
// origin check) → a new pair; the presented token is spent. Reuse → 401 and the family is revoked.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { audienceFor } from '../audiences/resource.js';
import { ApiError, badRequest } from '../errors.js';
import { rateLimited } from '../plugins/rate-limit-reply.js';
import { clearRefreshCookie } from '../plugins/refresh-cookie.js';
import { parseOptionalBody, refreshTokenField } from '../plugins/validation.js';
import { clientInfo, presentedRefreshToken, sendTokens } from './auth-shared.js';

const RefreshBody = z.object({ refresh_token: refreshTokenField.optional() });

export async function authRefreshRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { limits, refresh } = ctx.services;

  app.post('/v1/auth/refresh', async (request, reply) => {
    const body = parseOptionalBody(request, RefreshBody);
    const audience = audienceFor(request.body, ctx.config.audiences);
    const ipLimit = await limits.refreshIp(request.ip);
    if (!ipLimit.allowed) {
      throw rateLimited(ipLimit);
    }
    const presented = presentedRefreshToken(ctx, request, body.refresh_token);
    if (!presented) throw badRequest('refresh_token is required (in the body or the tessera_rt cookie)');
    try {
      const tokens = await refresh.rotate(presented.token, clientInfo(request), { audience });
      return sendTokens(ctx, reply, tokens, !presented.fromCookie);
    } catch (err) {
      // A dead cookie is cleared so the browser stops sending it.
      if (presented.fromCookie && err instanceof ApiError) clearRefreshCookie(reply, ctx.config.cookieSecure);
      throw err;
    }
  });
}
