// POST /v1/oauth/revoke (RFC 7009): revokes an access token (its jti goes on the deny-list until
// it expires) or a refresh token (its whole session: the family and the session's access tokens).
// Callers: a client with the `revoke` scope, an admin's bearer token, or a client revoking its
// own client_credentials token. Unknown or already invalid tokens answer 200 too (section 2.2).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { ApiError, badRequest } from '../errors.js';
import { authenticateClient } from '../oauth/client-auth.js';
import { addFormParser, param } from '../oauth/form-body.js';
import { serverVerifier, verifyBearer } from '../plugins/authenticate.js';
import { ErrorBody } from '../schemas/fields.js';
import { SECURITY } from '../schemas/security.js';
import { optionalBody } from '../schemas/zod-provider.js';
import { DomainError } from '../services/domain-error.js';
import { clientInfo } from './auth-shared.js';

// Form parameters are checked by `param` (OAuth's own rules); the schema describes them.
const RevokeSchema = {
  summary: 'RFC 7009 token revocation',
  security: SECURITY.clientOrAdmin,
  consumes: ['application/x-www-form-urlencoded', 'application/json'],
  body: optionalBody(
    z.looseObject({
      token: z.unknown().describe('the access or refresh token'),
      token_type_hint: z.unknown().optional(),
      client_id: z.unknown().optional().describe('client_secret_post (instead of HTTP Basic)'),
      client_secret: z.unknown().optional().describe('client_secret_post (instead of HTTP Basic)'),
    }),
  ),
  response: { 200: z.undefined().describe('revoked, or nothing to revoke'), 400: ErrorBody, 401: ErrorBody },
};

export async function oauthRevokeRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const keys = ctx.services.keys;
  const verifier = serverVerifier(ctx);

  await app.register(async (scope) => {
    addFormParser(scope);
    scope.post('/v1/oauth/revoke', { schema: RevokeSchema }, async (request, reply) => {
      // Who is asking: an admin (bearer) may revoke anything; a client needs the `revoke` scope
      // except for its own client_credentials tokens.
      let actor: string;
      let mayRevokeAny: boolean;
      let clientId: string | undefined;
      if (/^bearer /i.test(request.headers.authorization ?? '')) {
        const auth = verifyBearer(verifier, request);
        if (!auth.roles.includes('admin')) throw new ApiError('insufficient_scope');
        actor = auth.sub;
        mayRevokeAny = true;
      } else {
        const client = await authenticateClient(ctx, request);
        actor = client.id;
        clientId = client.id;
        mayRevokeAny = client.scopes.includes('revoke');
      }
      const token = param(request.body, 'token', 8192);
      if (token === undefined) throw badRequest('token is required');
      reply.header('cache-control', 'no-store');

      if (token.split('.').length === 3) {
        let payload: ReturnType<typeof keys.verifyAccessToken>['payload'] | undefined;
        try {
          payload = keys.verifyAccessToken(token, { anyAudience: true }).payload;
        } catch {
          // Invalid, expired or already revoked: nothing to do (RFC 7009 section 2.2).
        }
        if (payload && typeof payload.jti === 'string' && typeof payload.exp === 'number') {
          if (!mayRevokeAny && payload.client_id !== clientId) {
            return reply
              .code(400)
              .send({ error: 'unauthorized_client', error_description: 'not your token' });
          }
          await ctx.services.revocations.revokeToken(payload.jti, payload.exp);
          await ctx.services.audit.record('token_revoked', {
            sub: typeof payload.sub === 'string' ? payload.sub : null,
            actor,
            ip: request.ip,
            sessionId: typeof payload.sid === 'string' ? payload.sid : null,
            details: { jti: payload.jti },
          });
        }
        return reply.code(200).send();
      }

      // A spent or expired refresh token is reuse (its family revoked and audited), not a revocation
      // request; the answer stays 200 (RFC 7009 section 2.2).
      const session = await ctx.services.refresh
        .liveSessionOf(token, clientInfo(request), 'revoke')
        .catch((err: unknown) => {
          if (err instanceof DomainError && err.failure.code === 'invalid_grant') return undefined;
          throw err;
        });
      if (session) {
        if (!mayRevokeAny) {
          return reply.code(400).send({ error: 'unauthorized_client', error_description: 'not your token' });
        }
        await ctx.services.sessions.revoke(session.id, 'oauth_revoke', {
          event: 'session_revoked',
          ip: request.ip,
          actor,
        });
      }
      return reply.code(200).send();
    });
  });
}
