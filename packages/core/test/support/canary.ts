// A local HTTP server that counts every request it receives: header parameters such as `jku` and
// `x5u` point here, and the test asserts nothing ever called it.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Canary {
  url: string;
  requests(): number;
  close(): Promise<void>;
}

export async function startCanary(body: unknown): Promise<Canary> {
  let count = 0;
  const server = createServer((_req, res) => {
    count += 1;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => count,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
