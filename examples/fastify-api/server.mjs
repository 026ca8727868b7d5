// A Fastify API protected by @tessera/verify: tokens are checked locally against the auth server's
// published keys (fetched once, then cached), and revocations arrive over the server's feed, so no
// request to this service calls the auth server.
//
//   node examples/fastify-api/server.mjs
//
// Environment: TESSERA_ISSUER (default http://localhost:8080), TESSERA_AUDIENCE (default tessera),
// TESSERA_ALG (default ES256), TESSERA_CLIENT_ID / TESSERA_CLIENT_SECRET (an OAuth client with the
// revocations:read scope; without them revoked tokens keep working until they expire), HOST, PORT.

import { createRemoteVerifier, fastifyRequireRoles, tesseraFastify } from '@tessera/verify/fastify';
import Fastify from 'fastify';

const env = process.env;
const clientId = env.TESSERA_CLIENT_ID;
const verifier = createRemoteVerifier({
  issuer: env.TESSERA_ISSUER ?? 'http://localhost:8080',
  audience: env.TESSERA_AUDIENCE ?? 'tessera',
  algorithms: (env.TESSERA_ALG ?? 'ES256').split(','),
  cache: { max: 10_000 },
  ...(clientId ? { revocations: { clientId, clientSecret: env.TESSERA_CLIENT_SECRET } } : {}),
});
if (!clientId)
  console.warn('TESSERA_CLIENT_ID not set: revocations are not enforced (tokens live until exp)');
await verifier.ready(); // first JWKS fetch (and revocation snapshot); fails fast if the server is unreachable

const app = Fastify();

app.get('/', async () => ({ service: 'fastify-api', routes: ['GET /', 'GET /me', 'GET /admin'] }));

// The plugin protects the scope that registers it: everything in here needs a valid token.
await app.register(async (api) => {
  await api.register(tesseraFastify, {
    verifier,
    // The real refusal reason goes to our logs only; callers see a generic RFC 6750 error.
    onError: (_err, { status, code }) => console.warn(`auth: ${status} ${code}`),
  });

  // Any valid token: the caller's verified claims.
  api.get('/me', async (request) => request.auth.claims);

  // Admins only: 403 insufficient_scope for everyone else.
  api.get('/admin', { preHandler: fastifyRequireRoles('admin') }, async (request) => ({
    admin: request.auth.sub,
    keys: verifier.state().keys,
  }));
});

const address = await app.listen({ port: Number(env.PORT ?? 3000), host: env.HOST ?? '127.0.0.1' });
console.log(`fastify-api listening on ${address}`);

// The revocation stream keeps the process alive: close it on shutdown.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    verifier.close();
    app.close().then(() => process.exit(0));
  });
}
