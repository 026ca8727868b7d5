// A TCP port free on 127.0.0.1 right now (for a child process that must be told its port).
import { createServer } from 'node:net';

export async function freePort() {
  const probe = createServer();
  await new Promise((ok) => probe.listen(0, '127.0.0.1', ok));
  const { port } = probe.address();
  await new Promise((ok) => probe.close(ok));
  return port;
}
