// The downstream API of the service chain: it serves orders only to tokens issued for it
// (audience `orders`) that a known service obtained for a user by token exchange. It sees who the
// user is (`sub`) and which service acts for them (`act`), from the token alone.
//
//   TESSERA_ISSUER=http://localhost:8080 GATEWAY_CLIENT_ID=c_... node examples/service-chain/orders-api.mjs
//
// Environment: TESSERA_ISSUER, TESSERA_AUDIENCE (default orders), GATEWAY_CLIENT_ID (the only
// service allowed to act for users here), TESSERA_CLIENT_ID / TESSERA_CLIENT_SECRET (an OAuth
// client with revocations:read, to enforce revocations), HOST, PORT (default 3002).

import { createRemoteVerifier, tesseraExpress } from '@tessera/verify/express';
import express from 'express';

const env = process.env;
const gateway = env.GATEWAY_CLIENT_ID;
if (!gateway) throw new Error('GATEWAY_CLIENT_ID is required: the client id of the gateway service');
const verifier = createRemoteVerifier({
  issuer: env.TESSERA_ISSUER ?? 'http://localhost:8080',
  audience: env.TESSERA_AUDIENCE ?? 'orders',
  ...(env.TESSERA_CLIENT_ID
    ? { revocations: { clientId: env.TESSERA_CLIENT_ID, clientSecret: env.TESSERA_CLIENT_SECRET } }
    : {}),
});
await verifier.ready();

// User tokens only (the default), and only when the gateway acts for the user: a user's own token,
// even one for this audience, is refused here.
const auth = tesseraExpress(verifier, {
  delegation: 'require',
  allowedActors: [gateway],
  onError: (_err, { status, code }) => console.warn(`auth: ${status} ${code}`),
});

const app = express();
app.disable('x-powered-by');

app.get('/orders/:id', auth, auth.requireScopes('orders:read'), (req, res) => {
  res.json({ order: req.params.id, user: req.auth.sub, act: req.auth.act, scopes: req.auth.scopes });
});

const server = app.listen(Number(env.PORT ?? 3002), env.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address();
  console.log(`orders-api listening on http://${address}:${port}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    verifier.close();
    server.close(() => process.exit(0));
    server.closeAllConnections?.();
  });
}
