// An Express API protected by @tessera/verify: tokens are checked locally against the auth server's
// published keys (fetched once, then cached), and revocations arrive over the server's feed, so no
// request to this service calls the auth server.
//
//   node examples/express-api/server.mjs
//
// Environment: TESSERA_ISSUER (default http://localhost:8080), TESSERA_AUDIENCE (default tessera),
// TESSERA_ALG (default ES256), TESSERA_CLIENT_ID / TESSERA_CLIENT_SECRET (an OAuth client with the
// revocations:read scope; without them revoked tokens keep working until they expire), HOST, PORT.

import { createRemoteVerifier, tesseraExpress } from '@tessera/verify/express';
import express from 'express';

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

// The real refusal reason goes to our logs only; callers see a generic RFC 6750 error.
const auth = tesseraExpress(verifier, {
  onError: (_err, { status, code }) => console.warn(`auth: ${status} ${code}`),
});

const app = express();
app.disable('x-powered-by');

app.get('/', (_req, res) => {
  res.json({ service: 'express-api', routes: ['GET /', 'GET /me', 'GET /admin'] });
});

// Any valid token: the caller's verified claims.
app.get('/me', auth, (req, res) => {
  res.json(req.auth.claims);
});

// Admins only: 403 insufficient_scope for everyone else.
app.get('/admin', auth, auth.requireRoles('admin'), (req, res) => {
  res.json({ admin: req.auth.sub, keys: verifier.state().keys });
});

const server = app.listen(Number(env.PORT ?? 3000), env.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address();
  console.log(`express-api listening on http://${address}:${port}`);
});

// The revocation stream keeps the process alive: close it on shutdown.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    verifier.close();
    server.close(() => process.exit(0));
    server.closeAllConnections?.();
  });
}
