// A bare Fastify app (no logger, no plugins) whose GET /v1/me does what Tessera's does for a token:
// the auth server's own verification (`ctx.services.keys.verifyAccessToken`: ES256, the
// verified-token cache, the deny-list), then the claims as JSON. It opens the suite's SQLite file
// and master key (the same TESSERA_* environment as the server), so it loads the same keys. It
// splits the /v1/me gap into what authentication costs and what the rest of the app costs.

import { closeContext, createContext, loadConfig } from '@tessera/server';
import Fastify from 'fastify';
import { announceListening } from '../lib/http-load.mjs';

const ctx = await createContext(loadConfig({ ...process.env, TESSERA_HOST: '127.0.0.1', TESSERA_PORT: '0' }));
const { keys } = ctx.services;
const app = Fastify({ logger: false });

app.get('/v1/me', async (request, reply) => {
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.startsWith('Bearer ')) {
    try {
      return keys.verifyAccessToken(header.slice(7)).payload;
    } catch {
      // answered below like a missing token, with the RFC 6750 error
    }
  }
  reply.code(401).header('www-authenticate', 'Bearer error="invalid_token"');
  return { error: 'invalid_token' };
});
await app.ready();
await announceListening(app.server);
process.on('SIGTERM', () => {
  app
    .close()
    .then(() => closeContext(ctx))
    .then(() => process.exit(0));
});
