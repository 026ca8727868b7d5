// A real auth server for the browser tests: temporary SQLite file, a bootstrap admin, on a free
// loopback port whose origin is also the issuer (the refresh cookie's CSRF check wants them equal).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig, type RunningServer, startServer } from '@tessera/server';

export const ADMIN_EMAIL = 'admin@example.com';
export const PASSWORD = 'correct horse battery 42';

export interface ConsoleServer {
  origin: string;
  dir: string;
  server: RunningServer;
  logs(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * `hostname: 'localhost'` for passkey tests: WebAuthn takes the RP ID from the issuer's host, and an
 * IP address cannot be one (http://localhost counts as a secure context; it still listens on 127.0.0.1).
 */
export async function startConsoleServer(
  env: Record<string, string> = {},
  opts: { hostname?: '127.0.0.1' | 'localhost' } = {},
): Promise<ConsoleServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-console-'));
  const port = await freePort();
  const origin = `http://${opts.hostname ?? '127.0.0.1'}:${port}`;
  const config = loadConfig({
    TESSERA_HOST: '127.0.0.1',
    TESSERA_PORT: String(port),
    TESSERA_ISSUER: origin,
    TESSERA_DATABASE_URL: `sqlite:${join(dir, 'tessera.db')}`,
    TESSERA_BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
    TESSERA_BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
    TESSERA_LOG_LEVEL: 'warn',
    ...env,
  });
  const chunks: string[] = [];
  const logDestination = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const server = await startServer(config, { logDestination, cwd: dir });
  return {
    origin,
    dir,
    server,
    logs: () => chunks.join(''),
    async stop() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** JSON over HTTP, for setting things up from the test's side (never to check the UI). */
export async function http(
  origin: string,
  method: string,
  path: string,
  opts: { body?: unknown; token?: string } = {},
  // biome-ignore lint/suspicious/noExplicitAny: tests read JSON bodies loosely and assert on them
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { origin };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await fetch(origin + path, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

export async function accessToken(origin: string, email: string, password = PASSWORD): Promise<string> {
  const res = await http(origin, 'POST', '/v1/auth/login', {
    body: { email, password, refresh_token_in_body: true },
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
  return res.body.access_token;
}
