// POST /v1/oauth/introspect (RFC 7662) for clients with the `introspect` scope (or an admin's
// bearer token): is this access or refresh token active, and what does it say. Inactive tokens
// of any kind get only `{"active": false}`.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { badRequest } from '../errors.js';
import { authenticateClientOrAdmin } from '../oauth/client-auth.js';
import { addFormParser, param } from '../oauth/form-body.js';
import { hashRefreshToken, isRefreshTokenShape } from '../refresh/refresh-token.js';
import { ErrorBody } from '../schemas/fields.js';
import { SECURITY } from '../schemas/security.js';
import { optionalBody } from '../schemas/zod-provider.js';

// Form parameters are checked by `param` (OAuth's own rules); the schema describes them.
const IntrospectSchema = {
  summary: 'RFC 7662 token introspection',
  security: SECURITY.clientOrAdmin,
  consumes: ['application/x-www-form-urlencoded', 'application/json'],
  body: optionalBody(
    z.looseObject({
      token: z.unknown().describe('the access or refresh token'),
      token_type_hint: z.unknown().optional().describe('access_token or refresh_token'),
      client_id: z.unknown().optional().describe('client_secret_post (instead of HTTP Basic)'),
      client_secret: z.unknown().optional().describe('client_secret_post (instead of HTTP Basic)'),
    }),
  ),
  response: { 200: z.looseObject({ active: z.boolean() }), 401: ErrorBody },
};

const looksLikeJwt = (t: string) => t.split('.').length === 3;

export async function oauthIntrospectRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const keys = ctx.services.keys;

  async function introspectRefresh(token: string): Promise<Record<string, unknown> | undefined> {
    if (!isRefreshTokenShape(token)) return undefined;
    const record = await ctx.stores.refreshTokens.get(hashRefreshToken(token));
    const now = ctx.clock.now();
    if (!record || record.spentAt !== null || record.expiresAt <= now) return undefined;
    const session = await ctx.stores.sessions.get(record.sessionId);
    if (!session || session.revokedAt !== null || session.expiresAt <= now) return undefined;
    return {
      active: true,
      token_type: 'refresh_token',
      sub: record.userId,
      sid: record.sessionId,
      iss: ctx.config.issuer,
      iat: Math.floor(record.createdAt / 1000),
      exp: Math.floor(record.expiresAt / 1000),
    };
  }

  function introspectAccess(token: string): Record<string, unknown> | undefined {
    try {
      const { payload } = keys.verifyAccessToken(token, { anyAudience: true });
      return { active: true, token_type: 'access_token', ...payload };
    } catch {
      return undefined;
    }
  }

  await app.register(async (scope) => {
    addFormParser(scope);
    scope.post('/v1/oauth/introspect', { schema: IntrospectSchema }, async (request, reply) => {
      await authenticateClientOrAdmin(ctx, request, 'introspect');
      const token = param(request.body, 'token', 8192);
      if (token === undefined) throw badRequest('token is required');
      const hint = param(request.body, 'token_type_hint', 64);
      reply.header('cache-control', 'no-store');
      const order =
        hint === 'refresh_token'
          ? [introspectRefresh, introspectAccess]
          : looksLikeJwt(token)
            ? [introspectAccess]
            : [introspectRefresh];
      for (const inspect of order) {
        const result = await inspect(token);
        if (result) return result;
      }
      return { active: false };
    });
  });
}
