// POST /v1/oauth/token (RFC 6749): grant_type=client_credentials gives a service an access token
// for one of its allowed audiences; grant_type=refresh_token rotates a refresh token through the
// refresh service (the same rotation, grace interval and reuse detection as /v1/auth/refresh).
// Form-encoded or JSON bodies; errors use the RFC 6749 section 5.2 names.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { rateLimitedError } from '../errors.js';
import { authenticateClient } from '../oauth/client-auth.js';
import { addFormParser, param } from '../oauth/form-body.js';
import { ErrorBody } from '../schemas/fields.js';
import { SECURITY } from '../schemas/security.js';
import { optionalBody } from '../schemas/zod-provider.js';
import { DomainError } from '../services/domain-error.js';

// Form parameters are checked by `param` (RFC 6749's own error names); the schema describes them.
const TokenSchema = {
  summary: 'RFC 6749 token endpoint: client_credentials and refresh_token grants',
  security: SECURITY.tokenEndpoint,
  consumes: ['application/x-www-form-urlencoded', 'application/json'],
  body: optionalBody(
    z.looseObject({
      grant_type: z.unknown().describe('client_credentials or refresh_token'),
      audience: z.unknown().optional(),
      resource: z.unknown().optional(),
      scope: z.unknown().optional(),
      refresh_token: z.unknown().optional(),
      client_id: z.unknown().optional().describe('client_secret_post (instead of HTTP Basic)'),
      client_secret: z.unknown().optional().describe('client_secret_post (instead of HTTP Basic)'),
    }),
  ),
  response: {
    200: z.looseObject({ access_token: z.string(), token_type: z.literal('Bearer'), expires_in: z.number() }),
    400: ErrorBody,
    401: ErrorBody,
  },
};

function oauthError(reply: FastifyReply, status: number, error: string, description: string) {
  reply.header('cache-control', 'no-store');
  return reply.code(status).send({ error, error_description: description });
}

export async function oauthTokenRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(async (scope) => {
    addFormParser(scope);

    scope.post('/v1/oauth/token', { schema: TokenSchema }, async (request, reply) => {
      const grant = param(request.body, 'grant_type', 64);
      if (grant === 'client_credentials') return clientCredentials(request, reply);
      if (grant === 'refresh_token') return refreshToken(request, reply);
      if (grant === undefined) return oauthError(reply, 400, 'invalid_request', 'grant_type is required');
      return oauthError(
        reply,
        400,
        'unsupported_grant_type',
        'grant_type must be client_credentials or refresh_token',
      );
    });
  });

  async function clientCredentials(req: FastifyRequest, reply: FastifyReply) {
    const client = await authenticateClient(ctx, req);
    const audience =
      param(req.body, 'audience', 200) ?? param(req.body, 'resource', 200) ?? client.audiences[0];
    if (audience === undefined) {
      return oauthError(reply, 400, 'invalid_request', 'the client has no audience; give one with audience=');
    }
    if (!client.audiences.includes(audience)) {
      return oauthError(reply, 400, 'invalid_target', 'the client may not request this audience');
    }
    const requested = param(req.body, 'scope', 1000)?.split(' ').filter(Boolean) ?? [];
    if (requested.some((s) => !client.scopes.includes(s))) {
      return oauthError(reply, 400, 'invalid_scope', 'the client may not request this scope');
    }
    const scope = requested.length > 0 ? requested.join(' ') : undefined;
    const ttl = ctx.config.accessTtl;
    const accessToken = ctx.services.keys.signAccessToken(
      { sub: client.id, client_id: client.id, ...(scope ? { scope } : {}) },
      { audience, ttl },
    );
    ctx.services.metrics.tokenIssued('client_credentials');
    await ctx.services.audit.record('client_token_issued', {
      actor: client.id,
      ip: req.ip,
      details: { audience, ...(scope ? { scope } : {}) },
    });
    reply.header('cache-control', 'no-store');
    reply.header('pragma', 'no-cache');
    return { access_token: accessToken, token_type: 'Bearer', expires_in: ttl, ...(scope ? { scope } : {}) };
  }

  async function refreshToken(req: FastifyRequest, reply: FastifyReply) {
    const presented = param(req.body, 'refresh_token', 512);
    if (presented === undefined)
      return oauthError(reply, 400, 'invalid_request', 'refresh_token is required');
    const limit = await ctx.services.limits.refreshIp(req.ip);
    if (!limit.allowed) throw rateLimitedError(limit);
    try {
      const issued = await ctx.services.refresh.rotate(presented, {
        ip: req.ip,
        userAgent: req.headers['user-agent'],
      });
      reply.header('cache-control', 'no-store');
      reply.header('pragma', 'no-cache');
      return {
        access_token: issued.accessToken,
        token_type: 'Bearer',
        expires_in: issued.expiresIn,
        refresh_token: issued.refreshToken,
        refresh_token_expires_in: issued.refreshExpiresIn,
      };
    } catch (err) {
      // RFC 6749 section 5.2: a bad grant is 400 invalid_grant at the token endpoint.
      if (err instanceof DomainError && err.code === 'invalid_grant') {
        return oauthError(reply, 400, 'invalid_grant', 'the refresh token is invalid, expired or revoked');
      }
      throw err;
    }
  }
}
