// Test support for the examples: a real Tessera auth server (startServer over a temporary SQLite
// file on 127.0.0.1), an admin, an OAuth client that may read the revocation feed, users logged in
// over HTTP, and example scripts started as child processes that print the URL they listen on.
// Kept outside examples/test/ because `node --test examples/test/` runs every .mjs file there.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadConfig, startServer } from '@tessera/server';

export const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple 42' };
const PASSWORD = 'another long passphrase 17';

/** A port that was free a moment ago (the issuer URL must be known before the server listens). */
export async function freePort() {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address();
  probe.close();
  await once(probe, 'close');
  return port;
}

/** JSON over fetch; `token` becomes a Bearer header. */
export async function api(base, path, { method, token, body, headers = {} } = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  if (body !== undefined) h['content-type'] = 'application/json';
  const res = await fetch(base + path, {
    method: method ?? (body === undefined ? 'GET' : 'POST'),
    headers: h,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let json;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, body: json, text };
}

/** The same token with one signature character changed (a middle one: all six bits count). */
export function tamper(token) {
  const at = token.lastIndexOf('.') + 10;
  const c = token[at] === 'A' ? 'B' : 'A';
  return token.slice(0, at) + c + token.slice(at + 1);
}

/**
 * Starts the auth server with a bootstrap admin and makes an OAuth client with `revocations:read`.
 * @param {{ audience?: string, env?: Record<string, string> }} [opts]
 */
export async function startTessera({ audience = 'tessera', env = {} } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-example-'));
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    NODE_ENV: 'development',
    TESSERA_HOST: '127.0.0.1',
    TESSERA_PORT: String(port),
    TESSERA_ISSUER: issuer,
    TESSERA_AUDIENCE: audience,
    TESSERA_DATABASE_URL: `sqlite:${join(dir, 'tessera.db')}`,
    TESSERA_COOKIE_SECURE: 'false',
    TESSERA_BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
    TESSERA_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
    TESSERA_LOG_LEVEL: 'silent',
    ...env,
  });
  const server = await startServer(config, { cwd: dir });
  const close = async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const admin = await login(issuer, ADMIN);
    const client = await api(issuer, '/v1/admin/clients', {
      token: admin,
      body: { name: 'example-service', scopes: ['revocations:read'] },
    });
    if (client.status !== 201) throw new Error(`creating the client: ${client.status} ${client.text}`);
    return {
      url: issuer,
      audience,
      adminToken: admin,
      client: { id: client.body.client_id, secret: client.body.client_secret },
      /** Registers a new user over HTTP and logs in; returns its id and access token. */
      async newUser(prefix = 'user', extra = {}) {
        const email = `${prefix}.${Date.now()}.${Math.random().toString(36).slice(2, 8)}@example.com`;
        const reg = await api(issuer, '/v1/auth/register', { body: { email, password: PASSWORD } });
        if (reg.status !== 201) throw new Error(`register: ${reg.status} ${reg.text}`);
        const signedIn = await loginFull(issuer, { email, password: PASSWORD, ...extra });
        return {
          id: reg.body.user.id,
          email,
          token: signedIn.access_token,
          refreshToken: signedIn.refresh_token,
        };
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

async function login(issuer, credentials) {
  return (await loginFull(issuer, credentials)).access_token;
}

async function loginFull(issuer, credentials) {
  const res = await api(issuer, '/v1/auth/login', { body: { ...credentials, refresh_token_in_body: true } });
  if (res.status !== 200) throw new Error(`login: ${res.status} ${res.text}`);
  return res.body;
}

/**
 * Runs `node script` with `env` and waits for the line "... listening on http://...".
 * @returns {Promise<{ url: string, output: () => string, stop: () => Promise<void> }>}
 */
export async function startScript(script, env, timeoutMs = 20_000) {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (d) => {
    output += d;
  });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${script}: no URL in ${timeoutMs} ms\n${output}`)),
      timeoutMs,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before listening\n${output}`));
    });
    lines.on('line', (line) => {
      output += `${line}\n`;
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
  child.removeAllListeners('exit');
  return {
    url,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Polls `probe` until it returns true, or throws after `timeoutMs`. Returns the elapsed ms. */
export async function waitUntil(probe, timeoutMs, stepMs = 20) {
  const started = Date.now();
  while (!(await probe())) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return Date.now() - started;
}
