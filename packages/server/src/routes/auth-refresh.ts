// POST /v1/auth/refresh: refresh token from {refresh_token} or the `tessera_rt` cookie (with the CSRF
// origin check) → a new pair; the presented token is spent. Reuse → 401 and the family is revoked.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { audienceFor } from '../audiences/resource.js';
import { badRequest } from '../errors.js';
import { clearRefreshCookie } from '../http/refresh-cookie.js';
import { ErrorBody, refreshTokenField, resourceField, TokenResponse } from '../schemas/fields.js';
import { SECURITY } from '../schemas/security.js';
import { optionalBody, routeSchema } from '../schemas/zod-provider.js';
import { DomainError } from '../services/domain-error.js';
import { clientInfo, presentedRefreshToken, sendTokens } from './auth-shared.js';

const RefreshBody = optionalBody(
  z.object({ refresh_token: refreshTokenField.optional(), resource: resourceField.optional() }),
);

export async function authRefreshRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { refresh } = ctx.services;

  routeSchema(app).post(
    '/v1/auth/refresh',
    {
      schema: {
        summary: 'Exchange a refresh token for a new pair',
        security: SECURITY.refreshCookieOrBody,
        body: RefreshBody,
        response: { 200: TokenResponse, 401: ErrorBody, 429: ErrorBody },
      },
    },
    async (request, reply) => {
      const audience = audienceFor(request.body, ctx.config.audiences);
      const presented = presentedRefreshToken(ctx, request, request.body.refresh_token);
      if (!presented) throw badRequest('refresh_token is required (in the body or the tessera_rt cookie)');
      try {
        const tokens = await refresh.rotate(presented.token, clientInfo(request), { audience });
        return sendTokens(ctx, reply, tokens, !presented.fromCookie);
      } catch (err) {
        // A dead cookie is cleared so the browser stops sending it. A claims hook failing or the
        // per-IP limit (counted in refresh.rotate) spent nothing: that cookie still works.
        const unspent =
          err instanceof DomainError &&
          (err.failure.code === 'claims_unavailable' || err.failure.code === 'rate_limited');
        if (presented.fromCookie && !unspent) clearRefreshCookie(reply, ctx.config.cookieSecure);
        throw err;
      }
    },
  );
}
