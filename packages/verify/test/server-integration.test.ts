// End to end against the real Tessera server, started as a process (`tessera serve`) on loopback with
// an SQLite file: log in, the token passes our Express middleware, the session is revoked, and the
// middleware refuses the token within one second (SSE feed), with no call to the server per request.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { createRemoteVerifier, type RemoteVerifier, tesseraExpress } from '../src/express.js';
import { waitFor } from './helpers/issuer.js';

// dist/test/ -> packages/verify -> packages/cli/bin/tessera.js
const cli = fileURLToPath(new URL('../../../cli/bin/tessera.js', import.meta.url));
const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple 42' };
const USER = { email: 'reader@example.com', password: 'another long passphrase 17' };

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as AddressInfo;
  await new Promise((r) => probe.close(r));
  return port;
}

async function api(
  base: string,
  path: string,
  init: { method?: string; token?: string; body?: unknown } = {},
) {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe('against the real Tessera server', () => {
  let dir: string;
  let server: ChildProcess;
  let issuer: string;
  let logs = '';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-verify-it-'));
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, [cli, 'serve'], {
      cwd: dir,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        TESSERA_PORT: String(port),
        TESSERA_HOST: '127.0.0.1',
        TESSERA_ISSUER: issuer,
        TESSERA_AUDIENCE: 'orders-api',
        TESSERA_DATABASE_URL: `sqlite:${join(dir, 'tessera.db')}`,
        TESSERA_COOKIE_SECURE: 'false',
        TESSERA_BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
        TESSERA_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
        TESSERA_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout?.on('data', (d) => {
      logs += d;
    });
    server.stderr?.on('data', (d) => {
      logs += d;
    });
    let healthy = false;
    await waitFor(() => {
      fetch(`${issuer}/healthz`)
        .then((r) => {
          healthy = r.ok;
        })
        .catch(() => {});
      if (server.exitCode !== null) throw new Error(`tessera serve exited: ${logs}`);
      return healthy;
    }, 30_000);
  });
  after(async () => {
    server.kill('SIGTERM');
    await new Promise((r) => (server.exitCode !== null ? r(null) : server.once('exit', r)));
    rmSync(dir, { recursive: true, force: true });
  });

  test('login -> middleware accepts; revoke the session -> refused within 1 s', async (t) => {
    const admin = await api(issuer, '/v1/auth/login', { body: ADMIN });
    assert.equal(admin.status, 200, JSON.stringify(admin.body));
    const adminToken = admin.body.access_token as string;
    const created = await api(issuer, '/v1/admin/users', {
      token: adminToken,
      body: { ...USER, roles: ['user'] },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const client = await api(issuer, '/v1/admin/clients', {
      token: adminToken,
      body: { name: 'orders-api', scopes: ['revocations:read'] },
    });
    assert.equal(client.status, 201, JSON.stringify(client.body));

    const verifier: RemoteVerifier = createRemoteVerifier({
      issuer,
      audience: 'orders-api',
      cache: { max: 1000 },
      revocations: { clientId: client.body.client_id, clientSecret: client.body.client_secret },
    });
    let app: Server | undefined;
    try {
      await verifier.ready();
      const service = express();
      const auth = tesseraExpress(verifier);
      service.get('/orders', auth, (req, res) => {
        res.json({ sub: req.auth?.sub, sid: req.auth?.sid });
      });
      service.get('/admin', auth, auth.requireRoles('admin'), (_req, res) => {
        res.json({ ok: true });
      });
      app = createServer(service);
      await new Promise<void>((r) => app?.listen(0, '127.0.0.1', r));
      const base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;

      const login = await api(issuer, '/v1/auth/login', { body: USER });
      assert.equal(login.status, 200);
      const token = login.body.access_token as string;
      const ok = await api(base, '/orders', { token });
      assert.equal(ok.status, 200);
      assert.equal(ok.body.sub, created.body.user.id);
      assert.equal(typeof ok.body.sid, 'string');
      assert.equal((await api(base, '/admin', { token })).status, 403);
      assert.equal((await api(base, '/admin', { token: adminToken })).status, 200);
      await waitFor(() => verifier.state().revocations?.connected === true, 5000);

      const revoked = await api(issuer, `/v1/sessions/${ok.body.sid}`, { method: 'DELETE', token });
      assert.equal(revoked.status, 204, JSON.stringify(revoked.body));
      const started = Date.now();
      let status = 200;
      while (status === 200 && Date.now() - started < 3000) {
        status = (await api(base, '/orders', { token })).status;
      }
      const elapsed = Date.now() - started;
      assert.equal(status, 401);
      assert.ok(elapsed < 1000, `refused after ${elapsed} ms`);
      t.diagnostic(`session revocation enforced by the middleware after ${elapsed} ms`);
      // Another session of the same user is unaffected.
      const again = await api(issuer, '/v1/auth/login', { body: USER });
      assert.equal((await api(base, '/orders', { token: again.body.access_token })).status, 200);
      // logout-all ("everything of a user before now") reaches the verifier too.
      assert.equal(
        (await api(issuer, '/v1/auth/logout-all', { method: 'POST', token: again.body.access_token })).status,
        204,
      );
      await waitFor(() => {
        try {
          verifier.verify(again.body.access_token);
          return false;
        } catch (err) {
          return (err as { code?: string }).code === 'ERR_JWT_REVOKED';
        }
      }, 1000);
    } finally {
      verifier.close();
      if (app) {
        app.closeAllConnections();
        await new Promise((r) => app?.close(r));
      }
    }
  });
});
