// Express 5 serving GET /orders with one auth contender (--auth=...): none, tessera,
// tessera-cached (@tessera/verify's middleware), express-jwt (jsonwebtoken underneath; it has no
// cache). Started by bench/suites/middleware.mjs in its own process.

import { createServer } from 'node:http';
import { tesseraExpress } from '@tessera/verify/express';
import express from 'express';
import { expressjwt } from 'express-jwt';
import { announceListening } from '../lib/http-load.mjs';
import { body, config, contender, peerKey, tesseraVerifier } from './middleware-common.mjs';

const app = express();
app.disable('x-powered-by');
app.disable('etag');

switch (contender) {
  case 'none':
    app.get('/orders', (_req, res) => res.json(body(config.sub)));
    break;
  case 'tessera':
  case 'tessera-cached': {
    const auth = tesseraExpress(await tesseraVerifier(contender === 'tessera-cached'));
    app.get('/orders', auth, (req, res) => res.json(body(req.auth.sub)));
    break;
  }
  case 'express-jwt':
    app.get(
      '/orders',
      expressjwt({
        secret: peerKey,
        algorithms: [config.alg],
        issuer: config.issuer,
        audience: config.audience,
      }),
      (req, res) => res.json(body(req.auth.sub)),
    );
    break;
  default:
    throw new Error(`unknown Express contender ${contender}`);
}

// express-jwt refuses by calling next(err): answer 401 like the others (never a stack trace).
app.use((err, _req, res, _next) => {
  res
    .status(err.status ?? 500)
    .set('www-authenticate', 'Bearer error="invalid_token"')
    .json({ error: 'invalid_token' });
});

const server = createServer(app);
await announceListening(server);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
