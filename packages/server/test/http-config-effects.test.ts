// Configuration seen from the outside: bootstrap admin, registration switch, cookie Secure switch,
// trusted proxies for the client IP, HSTS on an https issuer, and the security headers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  GOOD_PASSWORD,
  request,
  setCookieLine,
  startTestServer,
  uniqueEmail,
} from './support/server-harness.js';

describe('configuration effects over HTTP', () => {
  test('bootstrap admin is created once, registration can be disabled, cookie Secure can be dropped', async () => {
    const env = {
      TESSERA_BOOTSTRAP_ADMIN_EMAIL: 'Root@Example.com',
      TESSERA_BOOTSTRAP_ADMIN_PASSWORD: 'bootstrap passphrase 9',
      TESSERA_REGISTRATION: 'false',
      TESSERA_COOKIE_SECURE: 'false',
    };
    const t = await startTestServer({ env });
    try {
      const login = await request(t.url, 'POST', '/v1/auth/login', {
        body: { email: 'root@example.com', password: 'bootstrap passphrase 9' },
      });
      assert.equal(login.status, 200);
      const me = await request(t.url, 'GET', '/v1/me', { token: login.body.access_token });
      assert.deepEqual(me.body.roles, ['admin']);
      const cookie = setCookieLine(login) ?? '';
      assert.match(cookie, /HttpOnly/i);
      assert.doesNotMatch(cookie, /;\s*Secure/i);

      const reg = await request(t.url, 'POST', '/v1/auth/register', {
        body: { email: uniqueEmail(), password: GOOD_PASSWORD },
      });
      assert.equal(reg.status, 403);
      assert.equal(reg.body.error, 'registration_disabled');
    } finally {
      await t.stop();
    }
    // A restart with the same variables does not create a second admin.
    const again = await startTestServer({ dir: t.dir, env });
    try {
      assert.equal(await again.server.ctx.stores.users.countWithRole('admin'), 1);
    } finally {
      await again.stop(true);
    }
  });

  test('a default access token fits the 420-byte budget', async (ctx) => {
    const t = await startTestServer({
      env: { TESSERA_ISSUER: 'https://auth.example.com', TESSERA_AUDIENCE: 'api.example.com' },
    });
    try {
      const email = uniqueEmail('size');
      await request(t.url, 'POST', '/v1/auth/register', { body: { email, password: GOOD_PASSWORD } });
      const login = await request(t.url, 'POST', '/v1/auth/login', {
        body: { email, password: GOOD_PASSWORD },
      });
      const token = login.body.access_token as string;
      ctx.diagnostic(`ES256 access token with sid and roles ["user"]: ${token.length} bytes`);
      assert.ok(token.length <= 420, `${token.length} bytes`);
      const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
      assert.deepEqual(Object.keys(payload).sort(), [
        'aud',
        'exp',
        'iat',
        'iss',
        'jti',
        'roles',
        'sid',
        'sub',
      ]);
    } finally {
      await t.stop(true);
    }
  });

  test('X-Forwarded-For is believed only from TESSERA_TRUSTED_PROXIES', async () => {
    for (const [proxies, expected] of [
      ['127.0.0.1/32', '203.0.113.9'],
      ['', '127.0.0.1'],
    ] as const) {
      const t = await startTestServer({ env: { TESSERA_TRUSTED_PROXIES: proxies } });
      try {
        const email = uniqueEmail('proxy');
        await request(t.url, 'POST', '/v1/auth/register', { body: { email, password: GOOD_PASSWORD } });
        const login = await request(t.url, 'POST', '/v1/auth/login', {
          body: { email, password: GOOD_PASSWORD },
          headers: { 'x-forwarded-for': '203.0.113.9' },
        });
        const sessions = await request(t.url, 'GET', '/v1/sessions', { token: login.body.access_token });
        assert.equal(sessions.body.sessions[0].ip, expected, `proxies "${proxies}"`);
      } finally {
        await t.stop(true);
      }
    }
  });

  test('security headers, and HSTS only for an https issuer', async () => {
    const t = await startTestServer({ env: { TESSERA_ISSUER: 'https://auth.example.com' } });
    try {
      const res = await request(t.url, 'GET', '/v1/me');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.match(res.headers.get('strict-transport-security') ?? '', /max-age=\d+/);
      assert.match(res.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
      // Data responses carry no Referrer-Policy or Pragma (browsers apply neither to JSON) ...
      assert.equal(res.headers.get('referrer-policy'), null);
      assert.equal(res.headers.get('pragma'), null);
      // ... token responses keep Pragma: no-cache (RFC 6749 section 5.1) ...
      const email = uniqueEmail('headers');
      await request(t.url, 'POST', '/v1/auth/register', { body: { email, password: GOOD_PASSWORD } });
      const login = await request(t.url, 'POST', '/v1/auth/login', {
        body: { email, password: GOOD_PASSWORD },
      });
      assert.equal(login.status, 200, login.text);
      assert.equal(login.headers.get('cache-control'), 'no-store');
      assert.equal(login.headers.get('pragma'), 'no-cache');
      // ... and pages (which set their own CSP) get Referrer-Policy: no-referrer.
      const page = await fetch(`${t.url}/docs/`);
      assert.equal(page.status, 200);
      assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
    } finally {
      await t.stop(true);
    }
    const plain = await startTestServer();
    try {
      const res = await request(plain.url, 'GET', '/v1/me');
      assert.equal(res.headers.get('strict-transport-security'), null);
    } finally {
      await plain.stop(true);
    }
  });
});
