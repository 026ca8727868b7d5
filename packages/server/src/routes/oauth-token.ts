// POST /v1/oauth/token (RFC 6749): grant_type=client_credentials gives a service an access token
// for one of its allowed audiences; grant_type=refresh_token rotates a refresh token through the
// refresh service (the same rotation, grace interval and reuse detection as /v1/auth/refresh);
// grant_type=urn:ietf:params:oauth:grant-type:token-exchange (RFC 8693) lets a service act for a
// user at another API (oauth/token-exchange.ts). Form-encoded or JSON bodies; errors use the
// RFC 6749 section 5.2 names.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { audienceFor } from '../audiences/resource.js';
import { ApiError } from '../errors.js';
import { TOKEN_EXCHANGE_GRANT } from '../oauth/client-admin.js';
import { authenticateClient } from '../oauth/client-auth.js';
import { addFormParser, param } from '../oauth/form-body.js';
import { OAuthError } from '../oauth/oauth-error.js';
import { ACCESS_TOKEN_TYPE, exchangeToken } from '../oauth/token-exchange.js';
import { ErrorBody } from '../schemas/fields.js';
import { SECURITY } from '../schemas/security.js';
import { optionalBody } from '../schemas/zod-provider.js';
import { DomainError } from '../services/domain-error.js';

// Form parameters are checked by `param` (RFC 6749's own error names); the schema describes them.
const TokenSchema = {
  summary: 'RFC 6749 token endpoint: client_credentials, refresh_token and token-exchange (RFC 8693) grants',
  security: SECURITY.tokenEndpoint,
  consumes: ['application/x-www-form-urlencoded', 'application/json'],
  body: optionalBody(
    z.looseObject({
      grant_type: z.unknown().describe('client_credentials, refresh_token or token-exchange'),
      audience: z.unknown().optional(),
      resource: z.unknown().optional(),
      scope: z.unknown().optional(),
      refresh_token: z.unknown().optional(),
      subject_token: z.unknown().optional(),
      subject_token_type: z.unknown().optional(),
      requested_token_type: z.unknown().optional(),
      actor_token: z.unknown().optional(),
      actor_token_type: z.unknown().optional(),
      client_id: z.unknown().optional().describe('client_secret_post (instead of HTTP Basic)'),
      client_secret: z.unknown().optional().describe('client_secret_post (instead of HTTP Basic)'),
      client_assertion: z.unknown().optional().describe('private_key_jwt (RFC 7523)'),
      client_assertion_type: z.unknown().optional().describe('private_key_jwt (RFC 7523)'),
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

/** `audience` and `resource` parameters, each a string or (repeated in a form, or JSON) an array. */
function targetsOf(body: unknown): string[] {
  if (body === null || typeof body !== 'object') return [];
  const out: string[] = [];
  for (const name of ['audience', 'resource']) {
    const value = (body as Record<string, unknown>)[name];
    if (value === undefined || value === '') continue;
    const list = Array.isArray(value) ? value : [value];
    for (const item of list) {
      if (typeof item !== 'string' || item === '' || item.length > 200) {
        throw new OAuthError(
          'invalid_request',
          `${name} must be a string (at most 200 characters) or a list of them`,
        );
      }
      out.push(item);
    }
  }
  if (out.length > 8) throw new OAuthError('invalid_request', 'at most 8 audiences');
  return [...new Set(out)];
}

export async function oauthTokenRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const keys = ctx.services.keys;
  const verifyAny = (t: string) => keys.verifyAccessToken(t, { anyAudience: true });

  await app.register(async (scope) => {
    addFormParser(scope);

    scope.post('/v1/oauth/token', { schema: TokenSchema }, async (request, reply) => {
      const grant = param(request.body, 'grant_type', 128);
      try {
        if (grant === 'client_credentials') return await clientCredentials(request, reply);
        if (grant === 'refresh_token') return await refreshToken(request, reply);
        if (grant === TOKEN_EXCHANGE_GRANT) return await tokenExchange(request, reply);
      } catch (err) {
        if (err instanceof OAuthError) return oauthError(reply, err.status, err.error, err.message);
        throw err;
      }
      if (grant === undefined) return oauthError(reply, 400, 'invalid_request', 'grant_type is required');
      return oauthError(
        reply,
        400,
        'unsupported_grant_type',
        `grant_type must be client_credentials, refresh_token or ${TOKEN_EXCHANGE_GRANT}`,
      );
    });
  });

  async function clientCredentials(req: FastifyRequest, reply: FastifyReply) {
    const client = await authenticateClient(ctx, req);
    if (!(client.grantTypes ?? ['client_credentials']).includes('client_credentials')) {
      throw new OAuthError('unauthorized_client', 'this client may not use client_credentials');
    }
    const targets = targetsOf(req.body);
    if (targets.length > 1) throw new OAuthError('invalid_target', 'ask for one audience per token');
    const audience = targets[0] ?? client.audiences[0];
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
    // A service token: sub = client_id and no sid (oauth/token-kind.ts), never taken as a user's.
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

  async function tokenExchange(req: FastifyRequest, reply: FastifyReply) {
    const client = await authenticateClient(ctx, req);
    const exchanged = await exchangeToken(
      {
        verifySubject: verifyAny,
        tokens: ctx.services.tokens,
        users: ctx.stores.users,
        sessions: ctx.stores.sessions,
        clock: ctx.clock,
        accessTtl: ctx.config.accessTtl,
      },
      client,
      {
        subjectToken: param(req.body, 'subject_token', 8192),
        subjectTokenType: param(req.body, 'subject_token_type', 200),
        requestedTokenType: param(req.body, 'requested_token_type', 200),
        actorToken: param(req.body, 'actor_token', 8192),
        audiences: targetsOf(req.body),
        scope: param(req.body, 'scope', 1000),
      },
    );
    await ctx.services.audit.record('token_exchanged', {
      sub: exchanged.sub,
      sessionId: exchanged.sid,
      actor: client.id,
      ip: req.ip,
      details: { audience: exchanged.audience, ...(exchanged.scope ? { scope: exchanged.scope } : {}) },
    });
    reply.header('cache-control', 'no-store');
    reply.header('pragma', 'no-cache');
    return {
      access_token: exchanged.accessToken,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: exchanged.expiresIn,
      ...(exchanged.scope ? { scope: exchanged.scope } : {}),
    };
  }

  async function refreshToken(req: FastifyRequest, reply: FastifyReply) {
    const presented = param(req.body, 'refresh_token', 512);
    if (presented === undefined)
      return oauthError(reply, 400, 'invalid_request', 'refresh_token is required');
    let audience: string | string[] | undefined;
    try {
      audience = audienceFor(req.body, ctx.config.audiences);
    } catch (err) {
      if (err instanceof DomainError && err.failure.code === 'invalid_target')
        throw new OAuthError('invalid_target', err.message);
      if (err instanceof ApiError) throw new OAuthError('invalid_request', err.description);
      throw err;
    }
    try {
      const issued = await ctx.services.refresh.rotate(
        presented,
        { ip: req.ip, userAgent: req.headers['user-agent'] },
        { audience },
      );
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
