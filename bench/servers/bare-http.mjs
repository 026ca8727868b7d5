// A bare node:http server answering 200 "ok": the ceiling any HTTP suite is compared against.
// With `--bearer` it also requires an Authorization header (a string compare, no crypto), which
// gives the middleware suites a no-verify baseline with the same request shape.

import { createServer } from 'node:http';
import { announceListening } from '../lib/http-load.mjs';

const requireBearer = process.argv.includes('--bearer');
const body = Buffer.from('{"ok":true}');

const server = createServer((req, res) => {
  if (requireBearer && !req.headers.authorization?.startsWith('Bearer ')) {
    res.writeHead(401, { 'www-authenticate': 'Bearer', 'content-length': 0 });
    res.end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
});
await announceListening(server);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
