// The app behind nginx in this example: it trusts the identity headers nginx sets after Tessera's
// forward-auth check, and echoes what it received so you (and the test) can see them.
//
//   PORT=9000 node examples/nginx/upstream.mjs
//
// Only ever expose it through the gateway: anyone who can reach it directly can send any header.

import { createServer } from 'node:http';

const server = createServer((req, res) => {
  const body = JSON.stringify({
    method: req.method,
    path: req.url,
    subject: req.headers['x-auth-subject'] ?? null,
    roles: req.headers['x-auth-roles'] ?? null,
    session: req.headers['x-auth-session'] ?? null,
    scope: req.headers['x-auth-scope'] ?? null,
    // Repeated headers arrive joined by ", ": a spoofed value next to the real one would show here.
    rawAuthHeaders: req.rawHeaders.filter((_, i, all) => i % 2 === 0 && /^x-auth-/i.test(all[i])).length,
  });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});

server.listen(Number(process.env.PORT ?? 9000), process.env.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address();
  console.log(`upstream listening on http://${address}:${port}`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
process.once('SIGINT', () => server.close(() => process.exit(0)));
