// GET /.well-known/oauth-authorization-server (RFC 8414) and /.well-known/openid-configuration
// (for discovery-only clients): where the keys and OAuth endpoints are and what they support.
// Tessera issues access tokens, not OpenID ID tokens, and neither document claims otherwise.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { authorizationServerMetadata, openIdConfiguration } from '../oauth/metadata.js';

const Discovery = z.looseObject({ issuer: z.string(), jwks_uri: z.string(), token_endpoint: z.string() });

export async function discoveryRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const issuer = ctx.config.issuer;
  const alg = ctx.services.keys.algorithm;
  const documents = {
    '/.well-known/oauth-authorization-server': JSON.stringify(authorizationServerMetadata(issuer, alg)),
    '/.well-known/openid-configuration': JSON.stringify(openIdConfiguration(issuer, alg)),
  };
  const schema = { summary: 'Discovery document (RFC 8414 fields)', response: { 200: Discovery } };
  for (const [path, document] of Object.entries(documents)) {
    app.get(path, { schema }, async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=3600');
      reply.header('access-control-allow-origin', '*');
      return reply.type('application/json').send(document);
    });
  }
}
