// The Tessera auth server as the bench measures it: `startServer(loadConfig(env))` from
// @tessera/server, on the SQLite file and settings the suite passes in TESSERA_* variables, on
// 127.0.0.1 port 0. It prints its port (readyLine) and closes cleanly on SIGTERM, so the CPU
// profile (`--cpu-prof`) of a profiled run is written.

import { loadConfig, startServer } from '@tessera/server';
import { readyLine } from '../lib/http-load.mjs';

const server = await startServer(
  loadConfig({ ...process.env, TESSERA_HOST: '127.0.0.1', TESSERA_PORT: '0' }),
);
process.stdout.write(`${readyLine(server.port)}\n`);

let closing = false;
process.on('SIGTERM', () => {
  if (closing) return;
  closing = true;
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
