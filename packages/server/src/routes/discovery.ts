// GET /.well-known/openid-configuration: where the keys and OAuth endpoints are, and what they
// support. Tessera issues access tokens, not OpenID ID tokens; the document uses the OpenID
// discovery names because that is where verifiers and gateways look (RFC 8414 fields).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';

const Discovery = z.looseObject({ issuer: z.string(), jwks_uri: z.string(), token_endpoint: z.string() });

export async function discoveryRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const issuer = ctx.config.issuer;
  const alg = ctx.services.keys.algorithm;
  const document = JSON.stringify({
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    token_endpoint: `${issuer}/v1/oauth/token`,
    introspection_endpoint: `${issuer}/v1/oauth/introspect`,
    revocation_endpoint: `${issuer}/v1/oauth/revoke`,
    revocation_feed_endpoint: `${issuer}/v1/revocations`,
    grant_types_supported: ['client_credentials', 'refresh_token'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    response_types_supported: [],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [alg],
    access_token_signing_alg_values_supported: [alg],
    claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'sid', 'roles', 'scope', 'client_id'],
  });

  const schema = { summary: 'Discovery document (RFC 8414 fields)', response: { 200: Discovery } };
  app.get('/.well-known/openid-configuration', { schema }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=3600');
    reply.header('access-control-allow-origin', '*');
    return reply.type('application/json').send(document);
  });
}
