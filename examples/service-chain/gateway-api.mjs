// The gateway-facing API of the service chain: users call it with their own token (audience
// `gateway`). To read an order it does not forward that token: it exchanges it (RFC 8693) for a
// token scoped to the orders API, carrying the same user and naming the gateway as the actor.
//
//   TESSERA_ISSUER=http://localhost:8080 GATEWAY_CLIENT_ID=c_... GATEWAY_CLIENT_SECRET=tcs_... \
//   ORDERS_URL=http://127.0.0.1:3002 node examples/service-chain/gateway-api.mjs
//
// Environment: TESSERA_ISSUER, TESSERA_AUDIENCE (default gateway), GATEWAY_CLIENT_ID and
// GATEWAY_CLIENT_SECRET (an OAuth client with the token-exchange grant, allowed the audience
// `orders` and the scope `orders:read`), ORDERS_URL, HOST, PORT (default 3001).

import { createRemoteVerifier, tesseraExpress } from '@tessera/verify/express';
import express from 'express';

const env = process.env;
const issuer = env.TESSERA_ISSUER ?? 'http://localhost:8080';
const clientId = env.GATEWAY_CLIENT_ID;
const clientSecret = env.GATEWAY_CLIENT_SECRET;
const ordersUrl = env.ORDERS_URL ?? 'http://127.0.0.1:3002';
if (!clientId || !clientSecret) throw new Error('GATEWAY_CLIENT_ID and GATEWAY_CLIENT_SECRET are required');

const verifier = createRemoteVerifier({ issuer, audience: env.TESSERA_AUDIENCE ?? 'gateway' });
await verifier.ready();
const auth = tesseraExpress(verifier, {
  onError: (_err, { status, code }) => console.warn(`auth: ${status} ${code}`),
});

/** The user's token traded for one meant for the orders API (or undefined when refused). */
async function tokenForOrders(userToken) {
  const res = await fetch(`${issuer}/v1/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
    },
    body: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: userToken,
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      audience: 'orders',
      scope: 'orders:read',
    }),
  });
  const body = await res.json();
  if (!res.ok) {
    console.warn(`token exchange refused: ${res.status} ${body.error}`);
    return undefined;
  }
  return body.access_token;
}

const app = express();
app.disable('x-powered-by');

app.get('/orders/:id', auth, async (req, res) => {
  const userToken = req.headers.authorization.slice('Bearer '.length).trim();
  const token = await tokenForOrders(userToken);
  // A revoked session or a token about to expire: the user must sign in again.
  if (!token) return res.status(401).json({ error: 'invalid_token' });
  const downstream = await fetch(`${ordersUrl}/orders/${encodeURIComponent(req.params.id)}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  res.status(downstream.status).json({ via: 'gateway', ...(await downstream.json()) });
});

const server = app.listen(Number(env.PORT ?? 3001), env.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address();
  console.log(`gateway-api listening on http://${address}:${port}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    verifier.close();
    server.close(() => process.exit(0));
    server.closeAllConnections?.();
  });
}
