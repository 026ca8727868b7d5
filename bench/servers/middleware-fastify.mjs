// Fastify 5 serving GET /orders with one auth contender (--auth=...): none, tessera,
// tessera-cached (@tessera/verify's plugin), fastify-jwt, fastify-jwt-cached (@fastify/jwt, i.e.
// fast-jwt, with its cache on). Started by bench/suites/middleware.mjs in its own process.

import fastifyJwt from '@fastify/jwt';
import { tesseraFastify } from '@tessera/verify/fastify';
import Fastify from 'fastify';
import { announceListening } from '../lib/http-load.mjs';
import {
  body,
  config,
  contender,
  fastJwtVerifyOptions,
  peerKey,
  tesseraVerifier,
} from './middleware-common.mjs';

const app = Fastify({ logger: false });

switch (contender) {
  case 'none':
    app.get('/orders', async () => body(config.sub));
    break;
  case 'tessera':
  case 'tessera-cached': {
    const verifier = await tesseraVerifier(contender === 'tessera-cached');
    await app.register(tesseraFastify, { verifier });
    app.get('/orders', async (request) => body(request.auth.sub));
    break;
  }
  case 'fastify-jwt':
  case 'fastify-jwt-cached':
    await app.register(fastifyJwt, {
      secret: config.alg === 'HS256' ? peerKey : { public: config.publicPem },
      verify: fastJwtVerifyOptions(contender === 'fastify-jwt-cached'),
    });
    app.addHook('onRequest', async (request, reply) => {
      try {
        await request.jwtVerify();
      } catch {
        return reply.code(401).header('www-authenticate', 'Bearer error="invalid_token"').send();
      }
    });
    app.get('/orders', async (request) => body(request.user.sub));
    break;
  default:
    throw new Error(`unknown Fastify contender ${contender}`);
}

await app.ready();
await announceListening(app.server);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
