// CORS for the browser apps of TESSERA_ALLOWED_ORIGINS: they call the auth routes with
// `credentials: 'include'` (the refresh cookie), so they need Access-Control-Allow-Origin naming
// them and Allow-Credentials. Other origins get no CORS headers, so browsers keep them out.
import type { FastifyInstance } from 'fastify';

const ALLOW_METHODS = 'GET, POST, PATCH, DELETE';
const ALLOW_HEADERS = 'authorization, content-type';
const EXPOSE_HEADERS =
  'retry-after, ratelimit-limit, ratelimit-remaining, ratelimit-reset, www-authenticate, x-request-id';

export function registerCors(app: FastifyInstance, allowedOrigins: readonly string[]): void {
  if (allowedOrigins.length === 0) return;
  const allowed = new Set(allowedOrigins);
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (typeof origin !== 'string' || !allowed.has(origin)) return;
    reply.header('access-control-allow-origin', origin);
    reply.header('access-control-allow-credentials', 'true');
    reply.header('vary', 'Origin');
    const preflight =
      request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
    // /v1/authz answers every method itself (gateways forward OPTIONS requests there).
    if (preflight && !request.url.startsWith('/v1/authz')) {
      reply.header('access-control-allow-methods', ALLOW_METHODS);
      reply.header('access-control-allow-headers', ALLOW_HEADERS);
      reply.header('access-control-max-age', '600');
      return reply.code(204).send();
    }
    reply.header('access-control-expose-headers', EXPOSE_HEADERS);
  });
}
