// Test support: a real server on 127.0.0.1 (port 0) over a temporary SQLite file, with its log
// lines captured, and a small fetch client that keeps the refresh cookie like a browser would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Clock } from '../../src/app-context.js';
import { loadConfig } from '../../src/config/load.js';
import { type RunningServer, startServer } from '../../src/server.js';

/** The issuer used by tests; CSRF checks accept this origin. */
export const TEST_ISSUER = 'http://tessera.test';
export const TEST_ORIGIN = TEST_ISSUER;

export interface TestServer {
  server: RunningServer;
  url: string;
  dir: string;
  /** Every log line written so far, raw JSON text. */
  logs(): string;
  /** Stops the server; keeps the directory unless `cleanup` is true. */
  stop(cleanup?: boolean): Promise<void>;
}

export interface TestServerOptions {
  env?: Record<string, string>;
  /** Reuse a directory (restart on the same database). */
  dir?: string;
  /** A clock tests can move (expiry). */
  clock?: Clock;
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'tessera-http-'));
  const config = loadConfig({
    TESSERA_HOST: '127.0.0.1',
    TESSERA_PORT: '0',
    TESSERA_ISSUER: TEST_ISSUER,
    TESSERA_DATABASE_URL: `sqlite:${join(dir, 'tessera.db')}`,
    TESSERA_LOG_LEVEL: 'debug',
    ...opts.env,
  });
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const server = await startServer(config, {
    logDestination: destination,
    cwd: dir,
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  return {
    server,
    url: server.url,
    dir,
    logs: () => chunks.join(''),
    async stop(cleanup = false) {
      await server.close();
      if (cleanup) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read JSON bodies loosely and assert on them
  body: any;
  text: string;
}

/** JSON request helper: `body` objects are sent as JSON; strings are sent raw. */
export async function request(
  base: string,
  method: string,
  path: string,
  opts: { body?: unknown; headers?: Record<string, string>; token?: string } = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = { ...opts.headers };
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
      headers['content-type'] = 'application/json';
  }
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await fetch(`${base}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** The value of `tessera_rt` in a response's Set-Cookie, if any. */
export function refreshCookie(res: JsonResponse): string | undefined {
  for (const line of res.headers.getSetCookie()) {
    const m = /^tessera_rt=([^;]*)/.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

export function setCookieLine(res: JsonResponse): string | undefined {
  return res.headers.getSetCookie().find((l) => l.startsWith('tessera_rt='));
}

let counter = 0;
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}${counter}.${process.pid}@example.com`;
}

export const GOOD_PASSWORD = 'correct horse battery 42';

/** Registers and logs in; returns the tokens (refresh token in the body). */
export async function registerAndLogin(
  base: string,
  email = uniqueEmail(),
  password = GOOD_PASSWORD,
): Promise<{ email: string; userId: string; accessToken: string; refreshToken: string }> {
  const reg = await request(base, 'POST', '/v1/auth/register', { body: { email, password } });
  if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${reg.text}`);
  const login = await request(base, 'POST', '/v1/auth/login', {
    body: { email, password, refresh_token_in_body: true },
  });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.text}`);
  return {
    email,
    userId: reg.body.user.id,
    accessToken: login.body.access_token,
    refreshToken: login.body.refresh_token,
  };
}
