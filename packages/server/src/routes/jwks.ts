// GET /.well-known/jwks.json: the next, active and retiring public keys. Cacheable for the
// key service's jwksMaxAge (a quarter of how long a key is published before it signs), with an
// ETag so verifiers revalidate cheaply.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { withMediaType } from '../schemas/media-types.js';

// The body is serialized once per key set change (below), so the schema only describes it.
const Jwks = withMediaType(
  z.object({ keys: z.array(z.looseObject({ kty: z.string(), kid: z.string().optional() })) }),
  'application/jwk-set+json',
);

export async function jwksRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  let cachedFor: object | undefined;
  let body = '';
  let etag = '';

  app.get(
    '/.well-known/jwks.json',
    { schema: { summary: 'The public keys (JWKS)', response: { 200: Jwks, 304: z.undefined() } } },
    async (request, reply) => {
      const jwks = ctx.services.keys.jwks();
      // The key service returns the same object until the published set changes.
      if (jwks !== cachedFor) {
        body = JSON.stringify(jwks);
        etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
        cachedFor = jwks;
      }
      reply.header('cache-control', `public, max-age=${ctx.services.keys.jwksMaxAge()}`);
      reply.header('etag', etag);
      reply.header('access-control-allow-origin', '*');
      const inm = request.headers['if-none-match'];
      if (typeof inm === 'string' && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
        return reply.code(304).send();
      }
      return reply.type('application/jwk-set+json').send(body);
    },
  );
}
