// The baseline of the /v1/me comparison: a bare Fastify app (no logger, no plugins) answering
// GET /v1/me with the same JSON claims the auth server returns, WITHOUT authentication. The suite
// passes the claims of one of its real tokens as JSON in argv[2], so both bodies are the same size.

import Fastify from 'fastify';
import { announceListening } from '../lib/http-load.mjs';

const claims = JSON.parse(process.argv[2] ?? '{}');
const app = Fastify({ logger: false });
app.get('/v1/me', async () => claims);
await app.ready();
await announceListening(app.server);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
