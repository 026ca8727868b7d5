// The machine's own floor for the paced refresh row: a bare Fastify app (no logger, no plugins)
// answering POST /v1/auth/refresh by echoing the refresh token after burning SPIN_US microseconds
// of CPU on the event loop. Paced at the auth server's rate with its CPU per request, its p99 is
// what any Node.js server doing that much work per request gets on this machine.

import Fastify from 'fastify';
import { announceListening } from '../lib/http-load.mjs';

const spinNs = BigInt(Math.max(0, Math.round(Number(process.env.SPIN_US ?? '0') * 1000)));
const app = Fastify({ logger: false });
app.post('/v1/auth/refresh', async (req) => {
  const end = process.hrtime.bigint() + spinNs;
  while (process.hrtime.bigint() < end) {
    // burning CPU, as a refresh's work would
  }
  return { refresh_token: req.body.refresh_token };
});
await app.ready();
await announceListening(app.server);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
