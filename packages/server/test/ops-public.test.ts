// Real HTTP: JWKS and discovery documents with their cache headers, health and readiness,
// Prometheus metrics (open and behind TESSERA_METRICS_TOKEN), forward-auth.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createVerifier, decodeToken, importJwks } from '@tessera/core';
import { adminToken, createUser, startOpsServer } from './ops-support.js';
import { request, type TestServer } from './support/server-harness.js';

const METRICS_TOKEN = 'metrics-token-0123456789-abcdefghijklmnop';

describe('public operations endpoints', () => {
  let s: TestServer;
  let admin: string;
  before(async () => {
    s = await startOpsServer({ TESSERA_METRICS_TOKEN: METRICS_TOKEN });
    admin = await adminToken(s.url);
  });
  after(() => s.stop(true));

  test('JWKS: public keys only, cacheable, ETag revalidation, verifies issued tokens', async () => {
    const res = await request(s.url, 'GET', '/.well-known/jwks.json');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/jwk-set\+json/);
    assert.match(res.headers.get('cache-control') ?? '', /^public, max-age=\d+$/);
    const etag = res.headers.get('etag');
    assert.ok(etag);
    assert.ok(res.body.keys.length >= 1);
    for (const k of res.body.keys) {
      assert.equal(k.use, 'sig');
      assert.equal(k.alg, 'ES256');
      assert.ok(k.kid);
      assert.equal(k.d, undefined, 'no private member');
    }
    const again = await request(s.url, 'GET', '/.well-known/jwks.json', {
      headers: { 'if-none-match': etag },
    });
    assert.equal(again.status, 304);
    assert.equal(again.text, '');
    const verify = createVerifier({
      keys: importJwks(res.body, { algorithms: ['ES256'] }),
      algorithms: ['ES256'],
      issuer: 'http://tessera.test',
      audience: 'tessera',
    });
    assert.deepEqual(verify(admin).payload.roles, ['admin']);
  });

  test('discovery document names every endpoint', async () => {
    const res = await request(s.url, 'GET', '/.well-known/openid-configuration');
    assert.equal(res.status, 200);
    assert.equal(res.body.issuer, 'http://tessera.test');
    assert.equal(res.body.jwks_uri, 'http://tessera.test/.well-known/jwks.json');
    assert.equal(res.body.token_endpoint, 'http://tessera.test/v1/oauth/token');
    assert.equal(res.body.introspection_endpoint, 'http://tessera.test/v1/oauth/introspect');
    assert.equal(res.body.revocation_endpoint, 'http://tessera.test/v1/oauth/revoke');
    // access tokens only: no ID-token claims
    assert.equal(res.body.id_token_signing_alg_values_supported, undefined);
    assert.deepEqual(res.body.access_token_signing_alg_values_supported, ['ES256']);
    assert.match(res.headers.get('cache-control') ?? '', /max-age=/);
  });

  test('healthz and readyz', async () => {
    const live = await request(s.url, 'GET', '/healthz');
    assert.equal(live.status, 200);
    assert.equal(live.body.status, 'ok');
    const ready = await request(s.url, 'GET', '/readyz');
    assert.equal(ready.status, 200);
    assert.equal(ready.body.checks.storage, 'up');
  });

  test('metrics need the token when one is set (constant-time compare), then list every metric', async () => {
    assert.equal((await request(s.url, 'GET', '/metrics')).status, 401);
    assert.equal((await request(s.url, 'GET', '/metrics', { token: `${METRICS_TOKEN}x` })).status, 401);
    // a failed login, a bad token and a successful login happen before the scrape
    await request(s.url, 'POST', '/v1/auth/login', {
      body: { email: 'nobody@example.com', password: 'wrong password 1' },
    });
    await request(s.url, 'GET', '/v1/me', { token: `${admin.slice(0, -4)}AAAA` });
    const res = await request(s.url, 'GET', '/metrics', { token: METRICS_TOKEN });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    const text = res.text;
    assert.match(text, /tessera_tokens_issued_total\{kind="login"\} [1-9]/);
    assert.match(text, /tessera_logins_total\{outcome="success"\} [1-9]/);
    assert.match(text, /tessera_logins_total\{outcome="[a-z_]+"\} 1/);
    assert.match(text, /tessera_token_verify_failures_total\{code="ERR_JWS_SIGNATURE_INVALID"\} 1/);
    assert.match(text, /tessera_refresh_reuse_detected_total 0/);
    assert.match(
      text,
      /tessera_http_request_duration_seconds_count\{method="POST",route="\/v1\/auth\/login",status="200"\} [1-9]/,
    );
    assert.match(text, /tessera_signing_key_age_seconds \d/);
    assert.match(text, /# TYPE tessera_rate_limited_total counter/);
    assert.ok(!text.includes(admin), 'no token in metrics');
  });

  test('authz: 200 with identity headers, 401 with a challenge, 403 without the role', async () => {
    const user = await createUser(s.url, admin, ['user', 'billing']);
    const ok = await request(s.url, 'GET', '/v1/authz', { token: user.accessToken });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('x-auth-subject'), user.id);
    assert.equal(ok.headers.get('x-auth-roles'), 'user,billing');
    assert.equal(ok.headers.get('x-auth-session'), decodeToken(user.accessToken).payload.sid);
    // Envoy ext_authz forwards the original method and path under the prefix
    const envoy = await request(s.url, 'DELETE', '/v1/authz/api/orders/7', { token: user.accessToken });
    assert.equal(envoy.status, 200);
    assert.equal(
      (await request(s.url, 'GET', '/v1/authz?role=billing', { token: user.accessToken })).status,
      200,
    );
    const forbidden = await request(s.url, 'GET', '/v1/authz?role=admin', { token: user.accessToken });
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.error, 'insufficient_scope');
    const anonymous = await request(s.url, 'GET', '/v1/authz');
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer');
    const bad = await request(s.url, 'GET', '/v1/authz', { token: 'not.a.token' });
    assert.equal(bad.status, 401);
    assert.match(bad.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    assert.equal(bad.headers.get('x-auth-subject'), null);
    assert.equal(
      (await request(s.url, 'GET', '/v1/authz?role=Bad%20Role', { token: user.accessToken })).status,
      400,
    );
  });

  test('authz: a validly signed subject that cannot be a header value is 401, never forwarded', async () => {
    const keys = s.server.ctx.services.keys;
    for (const sub of ['u_1\r\nX-Auth-Roles: admin', 'usér', 'u_2\u0000']) {
      const token = keys.signAccessToken({ sub, roles: ['user'] });
      const res = await request(s.url, 'GET', '/v1/authz', { token });
      assert.equal(res.status, 401, JSON.stringify(sub));
      assert.match(res.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
      assert.equal(res.headers.get('x-auth-subject'), null);
    }
  });
});

describe('metrics without a token', () => {
  test('are open when TESSERA_METRICS_TOKEN is unset', async () => {
    const s = await startOpsServer();
    try {
      const res = await request(s.url, 'GET', '/metrics');
      assert.equal(res.status, 200);
      assert.match(res.text, /tessera_tokens_issued_total/);
    } finally {
      await s.stop(true);
    }
  });
});
