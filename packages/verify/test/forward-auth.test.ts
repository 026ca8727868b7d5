// Forward-auth: the pure authorizeRequest, the node:http handler and the Fastify route helper, and a
// real nginx using auth_request in front of an upstream that reads the identity headers.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createVerifier, generateKey } from '@tessera/core';
import Fastify from 'fastify';
import { fastifyForwardAuth } from '../src/fastify.js';
import {
  authorizeRequest,
  createForwardAuthHandler,
  createRemoteVerifier,
  type RemoteVerifier,
} from '../src/index.js';
import { startIssuer, type TestIssuer, waitFor } from './helpers/issuer.js';

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('forward auth', () => {
  let issuer: TestIssuer;
  let verifier: RemoteVerifier;
  before(async () => {
    issuer = await startIssuer();
    verifier = createRemoteVerifier({ issuer: issuer.url, audience: issuer.audience });
    await verifier.ready();
  });
  after(async () => {
    verifier.close();
    await issuer.close();
  });

  test('authorizeRequest: 200 with identity headers, 401, 403 — from node headers or a Headers object', () => {
    const token = issuer.sign({ sub: 'u1', sid: 's1', roles: ['user', 'billing'] });
    const ok = authorizeRequest({ authorization: `Bearer ${token}` }, verifier);
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.headers, {
      'x-auth-subject': 'u1',
      'x-auth-roles': 'user,billing',
      'x-auth-session': 's1',
    });
    assert.equal(ok.auth?.sub, 'u1');
    const viaHeaders = authorizeRequest(new Headers({ Authorization: `Bearer ${token}` }), verifier);
    assert.equal(viaHeaders.status, 200);
    const missing = authorizeRequest({}, verifier);
    assert.equal(missing.status, 401);
    assert.equal(missing.headers['www-authenticate'], 'Bearer');
    const bad = authorizeRequest({ authorization: 'Bearer a.b.c' }, verifier);
    assert.equal(bad.status, 401);
    assert.equal(bad.headers['www-authenticate'], 'Bearer error="invalid_token"');
    const forbidden = authorizeRequest({ authorization: `Bearer ${token}` }, verifier, {
      requireRoles: ['admin'],
    });
    assert.equal(forbidden.status, 403);
    assert.deepEqual(forbidden.body, { error: 'insufficient_scope' });
  });

  test('authorizeRequest takes a plain core verifier too (the auth server reuses it)', () => {
    const key = generateKey('ES256', { kid: 'local' });
    const local = createVerifier({ keys: key, algorithms: ['ES256'], issuer: issuer.url });
    const token = issuer.signWith(key, { sub: 'svc', roles: [] });
    const result = authorizeRequest({ authorization: `Bearer ${token}` }, local);
    assert.equal(result.status, 200);
    assert.equal(result.headers['x-auth-subject'], 'svc');
    assert.equal(result.headers['x-auth-roles'], '');
  });

  test('claims cannot inject header lines or change identity', () => {
    const codes: string[] = [];
    const onError = (_e: unknown, info: { code: string }) => codes.push(info.code);
    for (const sub of ['evil\r\nset-cookie: x=1', 'bob\n', 'b\u00f6b', '\u65e5\u672c']) {
      const token = issuer.sign({ sub });
      const result = authorizeRequest({ authorization: `Bearer ${token}` }, verifier, { onError });
      assert.equal(result.status, 401, JSON.stringify(sub));
      assert.equal(result.headers['x-auth-subject'], undefined);
    }
    assert.deepEqual(codes, Array(4).fill('ERR_FORWARD_UNSAFE_CLAIM'));
    const token = issuer.sign({ sub: 'u', roles: ['ok', 'a\nb', 'x,admin'], scope: 'orders:read' });
    const result = authorizeRequest({ authorization: `Bearer ${token}` }, verifier);
    assert.equal(result.headers['x-auth-roles'], 'ok', 'unsafe roles are dropped, never rewritten');
    assert.equal(result.headers['x-auth-scope'], 'orders:read');
  });

  test('the original URI goes only to onError', async () => {
    const seen: Array<string | undefined> = [];
    const server = createServer(
      createForwardAuthHandler(verifier, { onError: (_err, info) => seen.push(`${info.code} ${info.uri}`) }),
    );
    const url = await listen(server);
    try {
      const res = await fetch(`${url}/authz`, {
        headers: { 'x-original-uri': '/orders/7', authorization: 'Bearer x.y.z' },
      });
      assert.equal(res.status, 401);
      assert.deepEqual(await res.json(), { error: 'invalid_token' });
      assert.deepEqual(seen, ['ERR_JWT_MALFORMED /orders/7']);
      const ok = await fetch(`${url}/authz`, {
        headers: { authorization: `Bearer ${issuer.sign({ sub: 'u7' })}` },
      });
      assert.equal(ok.status, 200);
      assert.equal(ok.headers.get('x-auth-subject'), 'u7');
    } finally {
      await close(server);
    }
  });

  test('the node handler waits for the first key set instead of answering 503', async () => {
    const fresh = createRemoteVerifier({ issuer: issuer.url, audience: issuer.audience });
    const sync = authorizeRequest({ authorization: `Bearer ${issuer.sign({ sub: 'early' })}` }, fresh);
    assert.equal(sync.status, 503, 'the sync function cannot wait');
    const server = createServer(createForwardAuthHandler(fresh));
    const url = await listen(server);
    try {
      const res = await fetch(url, { headers: { authorization: `Bearer ${issuer.sign({ sub: 'early' })}` } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-auth-subject'), 'early');
    } finally {
      await close(server);
    }
  });

  test('Fastify route helper', async () => {
    const app = Fastify();
    app.get('/authz', fastifyForwardAuth(verifier, { requireRoles: ['user'] }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    try {
      const ok = await fetch(`${url}/authz`, {
        headers: { authorization: `Bearer ${issuer.sign({ sub: 'f', sid: 'fs', roles: ['user'] })}` },
      });
      assert.equal(ok.status, 200);
      assert.equal(ok.headers.get('x-auth-session'), 'fs');
      assert.equal(ok.headers.get('x-auth-roles'), 'user');
      const denied = await fetch(`${url}/authz`, {
        headers: { authorization: `Bearer ${issuer.sign({ sub: 'f' })}` },
      });
      assert.equal(denied.status, 403);
      assert.equal(denied.headers.get('www-authenticate'), 'Bearer error="insufficient_scope"');
      assert.equal((await fetch(`${url}/authz`)).status, 401);
    } finally {
      await app.close();
    }
  });

  describe('behind a real nginx auth_request', () => {
    let dir: string;
    let nginx: ChildProcess;
    let authServer: Server;
    let upstream: Server;
    let gateway: string;
    before(async () => {
      const probe = spawnSync('nginx', ['-v']);
      assert.equal(probe.error, undefined, 'nginx must be installed (CI installs nginx-light)');
      authServer = createServer(createForwardAuthHandler(verifier));
      upstream = createServer((req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            path: req.url,
            subject: req.headers['x-auth-subject'],
            roles: req.headers['x-auth-roles'],
          }),
        );
      });
      const authUrl = await listen(authServer);
      const upstreamUrl = await listen(upstream);
      const free = createServer();
      const port = Number(new URL(await listen(free)).port);
      await close(free);
      dir = mkdtempSync(join(tmpdir(), 'tessera-nginx-'));
      writeFileSync(
        join(dir, 'nginx.conf'),
        `daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location / {
      auth_request /_tessera;
      auth_request_set $tessera_sub $upstream_http_x_auth_subject;
      auth_request_set $tessera_roles $upstream_http_x_auth_roles;
      proxy_set_header X-Auth-Subject $tessera_sub;
      proxy_set_header X-Auth-Roles $tessera_roles;
      proxy_pass ${upstreamUrl};
    }
    location = /_tessera {
      internal;
      proxy_pass ${authUrl}/authz;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-URI $request_uri;
    }
  }
}
`,
      );
      nginx = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
      gateway = `http://127.0.0.1:${port}`;
      let up = false;
      await waitFor(() => {
        fetch(gateway)
          .then(() => {
            up = true;
          })
          .catch(() => {});
        return up;
      }, 5000);
    });
    after(async () => {
      nginx.kill('SIGTERM');
      await Promise.all([close(authServer), close(upstream)]);
      rmSync(dir, { recursive: true, force: true });
    });

    test('a valid token reaches the upstream with X-Auth-Subject; none or a bad one gets 401', async () => {
      const token = issuer.sign({ sub: 'via-nginx', roles: ['user', 'ops'] });
      const ok = await fetch(`${gateway}/orders?x=1`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(ok.status, 200);
      assert.deepEqual(await ok.json(), { path: '/orders?x=1', subject: 'via-nginx', roles: 'user,ops' });
      assert.equal((await fetch(`${gateway}/orders`)).status, 401);
      const bad = await fetch(`${gateway}/orders`, { headers: { authorization: `Bearer ${token}x` } });
      assert.equal(bad.status, 401);
    });
  });
});
