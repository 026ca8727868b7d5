// examples/nginx: real nginx (auth_request) in front of the example upstream, with the real auth
// server's GET /v1/authz deciding. nginx must be installed (CI installs nginx-light): a missing
// nginx fails this test, it is never skipped.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { api, freePort, startScript, startTessera, tamper, waitUntil } from '../support/harness.mjs';

const HERE = new URL('../nginx/', import.meta.url);
const CONF = fileURLToPath(new URL('nginx.conf', HERE));
const UPSTREAM = fileURLToPath(new URL('upstream.mjs', HERE));

/** nginx on the PATH, else Debian's /usr/sbin/nginx (not on a non-root PATH). */
function findNginx() {
  for (const bin of ['nginx', '/usr/sbin/nginx']) {
    if (spawnSync(bin, ['-v']).error === undefined) return bin;
  }
  return undefined;
}

/** The example's nginx.conf with its three addresses replaced (each must occur exactly once). */
function configure(text, ports) {
  const swaps = [
    ['listen 127.0.0.1:8000;', `listen 127.0.0.1:${ports.nginx};`],
    ['server 127.0.0.1:8080;', `server 127.0.0.1:${ports.tessera};`],
    ['server 127.0.0.1:9000;', `server 127.0.0.1:${ports.app};`],
  ];
  for (const [from, to] of swaps) {
    assert.equal(text.split(from).length, 2, `nginx.conf must contain "${from}" once`);
    text = text.replace(from, to);
  }
  return text;
}

describe('examples/nginx: auth_request to Tessera /v1/authz', () => {
  let tessera;
  let upstream;
  let nginx;
  let dir;
  let base;
  let user;
  const errorLog = () => {
    try {
      return readFileSync(join(dir, 'logs', 'error.log'), 'utf8');
    } catch {
      return '';
    }
  };

  before(async () => {
    const bin = findNginx();
    assert.ok(
      bin,
      `nginx is required for this test${process.env.CI === 'true' ? ' (CI must install nginx-light)' : ''}`,
    );
    tessera = await startTessera();
    upstream = await startScript(UPSTREAM, { PORT: '0' });
    user = await tessera.newUser();

    dir = mkdtempSync(join(tmpdir(), 'tessera-nginx-example-'));
    mkdirSync(join(dir, 'logs'));
    mkdirSync(join(dir, 'tmp'));
    const ports = {
      nginx: await freePort(),
      tessera: new URL(tessera.url).port,
      app: new URL(upstream.url).port,
    };
    writeFileSync(join(dir, 'nginx.conf'), configure(readFileSync(CONF, 'utf8'), ports));
    const check = spawnSync(bin, ['-t', '-p', dir, '-e', join(dir, 'logs', 'error.log'), '-c', 'nginx.conf']);
    assert.equal(check.status, 0, `nginx -t: ${check.stderr}`);
    nginx = spawn(
      bin,
      [
        '-p',
        dir,
        '-e',
        join(dir, 'logs', 'error.log'),
        '-c',
        'nginx.conf',
        '-g',
        `daemon off; pid ${join(dir, 'nginx.pid')};`,
      ],
      { stdio: 'ignore' },
    );
    base = `http://127.0.0.1:${ports.nginx}`;
    await waitUntil(async () => {
      if (nginx.exitCode !== null) throw new Error(`nginx exited: ${errorLog()}`);
      return fetch(`${base}/`).then(
        (r) => r.status === 401,
        () => false,
      );
    }, 10_000);
  });

  after(async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((r) => nginx.once('exit', r));
      nginx.kill('SIGQUIT'); // graceful: workers finish, then the master exits
      await exited;
    }
    await upstream?.stop();
    await tessera?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("no token: 401 with Tessera's challenge, and the upstream is not reached", async () => {
    const res = await api(base, '/orders');
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer');
    assert.deepEqual(res.body, { error: 'unauthorized' });
  });

  test('valid token: 200 and the upstream sees X-Auth-Subject / X-Auth-Roles / X-Auth-Session', async () => {
    const res = await api(base, '/orders?page=2', { token: user.token });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.path, '/orders?page=2');
    assert.equal(res.body.subject, user.id);
    assert.equal(res.body.roles, 'user');
    assert.equal(typeof res.body.session, 'string');
    assert.ok(res.body.session.length > 0);
  });

  test('spoofing: client-sent X-Auth-* headers never reach the upstream', async () => {
    const spoof = { 'x-auth-subject': 'someone-else', 'x-auth-roles': 'admin', 'x-auth-scope': 'all' };
    const withToken = await api(base, '/orders', { token: user.token, headers: spoof });
    assert.equal(withToken.status, 200);
    assert.equal(withToken.body.subject, user.id);
    assert.equal(withToken.body.roles, 'user');
    assert.equal(withToken.body.scope, null, 'the token has no scope claim, so no X-Auth-Scope');
    assert.equal(withToken.body.rawAuthHeaders, 3, 'exactly subject, roles and session, once each');
    const withoutToken = await api(base, '/orders', { headers: spoof });
    assert.equal(withoutToken.status, 401);
  });

  test('tampered token: 401 invalid_token', async () => {
    const res = await api(base, '/orders', { token: tamper(user.token) });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer error="invalid_token"');
    assert.deepEqual(res.body, { error: 'invalid_token' });
  });

  test('admin location: a user gets 403 insufficient_scope, an admin 200', async () => {
    const denied = await api(base, '/admin/users', { token: user.token });
    assert.equal(denied.status, 403);
    assert.equal(denied.headers.get('www-authenticate'), 'Bearer error="insufficient_scope"');
    assert.deepEqual(denied.body, { error: 'insufficient_scope' });
    const allowed = await api(base, '/admin/users', { token: tessera.adminToken });
    assert.equal(allowed.status, 200, allowed.text);
    assert.equal(allowed.body.roles, 'admin');
  });

  test('revoked session (POST /v1/auth/logout): 401', async () => {
    const leaver = await tessera.newUser('leaver');
    assert.equal((await api(base, '/orders', { token: leaver.token })).status, 200);
    const logout = await api(tessera.url, '/v1/auth/logout', { method: 'POST', token: leaver.token });
    assert.equal(logout.status, 204, logout.text);
    const res = await api(base, '/orders', { token: leaver.token });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer error="invalid_token"');
    assert.equal((await api(base, '/orders', { token: user.token })).status, 200, 'others unaffected');
  });

  test('nginx logged no errors', () => {
    assert.doesNotMatch(errorLog(), /\[(error|crit|alert|emerg)\]/);
  });
});
