// CSRF: a request authenticated by the refresh cookie must carry an Origin (or Referer) equal to
// the issuer's origin or one of TESSERA_ALLOWED_ORIGINS; otherwise 403, and the token is not spent.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  GOOD_PASSWORD,
  refreshCookie,
  request,
  startTestServer,
  TEST_ORIGIN,
  type TestServer,
  uniqueEmail,
} from './support/server-harness.js';

describe('CSRF protection of the refresh cookie', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ env: { TESSERA_ALLOWED_ORIGINS: 'https://app.example.com' } });
  });
  after(async () => {
    await t.stop(true);
  });

  async function loginCookie(): Promise<string> {
    const email = uniqueEmail('csrf');
    await request(t.url, 'POST', '/v1/auth/register', { body: { email, password: GOOD_PASSWORD } });
    const login = await request(t.url, 'POST', '/v1/auth/login', {
      body: { email, password: GOOD_PASSWORD },
    });
    const cookie = refreshCookie(login);
    assert.ok(cookie);
    return cookie;
  }

  const attacks: Array<[string, Record<string, string>]> = [
    ['no Origin and no Referer', {}],
    ['a foreign Origin', { origin: 'https://evil.example.net' }],
    ['a foreign Referer', { referer: 'https://evil.example.net/page' }],
    ['Origin: null (sandboxed frame)', { origin: 'null' }],
    ['a look-alike origin', { origin: 'http://tessera.test.evil.example.net' }],
    ['the right host on another scheme', { origin: 'https://tessera.test' }],
  ];

  for (const route of ['/v1/auth/refresh', '/v1/auth/logout', '/v1/auth/logout-all']) {
    for (const [name, headers] of attacks) {
      test(`${route} with the cookie and ${name} → 403`, async () => {
        const cookie = await loginCookie();
        const res = await request(t.url, 'POST', route, {
          headers: { cookie: `tessera_rt=${cookie}`, ...headers },
        });
        assert.equal(res.status, 403);
        assert.equal(res.body.error, 'csrf_rejected');
        // The refused request changed nothing: the cookie still refreshes from the right origin.
        const ok = await request(t.url, 'POST', '/v1/auth/refresh', {
          headers: { cookie: `tessera_rt=${cookie}`, origin: TEST_ORIGIN },
        });
        assert.equal(ok.status, 200);
      });
    }
  }

  test('the issuer origin, an allowed origin and a same-origin Referer pass', async () => {
    const cases: Array<Record<string, string>> = [
      { origin: TEST_ORIGIN },
      { origin: 'https://app.example.com' },
      { referer: `${TEST_ORIGIN}/console/sessions` },
    ];
    for (const headers of cases) {
      const cookie = await loginCookie();
      const res = await request(t.url, 'POST', '/v1/auth/refresh', {
        headers: { cookie: `tessera_rt=${cookie}`, ...headers },
      });
      assert.equal(res.status, 200, JSON.stringify(headers));
      assert.ok(refreshCookie(res), 'the successor is set as a cookie again');
    }
  });

  test('CORS: allowed origins get credentialed CORS headers and preflights; others get none', async () => {
    const preflight = await request(t.url, 'OPTIONS', '/v1/auth/refresh', {
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://app.example.com');
    assert.equal(preflight.headers.get('access-control-allow-credentials'), 'true');
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization/);
    const foreign = await request(t.url, 'OPTIONS', '/v1/auth/refresh', {
      headers: { origin: 'https://evil.example.net', 'access-control-request-method': 'POST' },
    });
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
    const cookie = await loginCookie();
    const res = await request(t.url, 'POST', '/v1/auth/refresh', {
      headers: { cookie: `tessera_rt=${cookie}`, origin: 'https://app.example.com' },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://app.example.com');
    assert.match(res.headers.get('vary') ?? '', /Origin/i);
  });

  test('a refresh token in the body needs no Origin (native apps)', async () => {
    const email = uniqueEmail('native');
    await request(t.url, 'POST', '/v1/auth/register', { body: { email, password: GOOD_PASSWORD } });
    const login = await request(t.url, 'POST', '/v1/auth/login', {
      body: { email, password: GOOD_PASSWORD, refresh_token_in_body: true },
    });
    assert.equal(refreshCookie(login), undefined, 'no cookie in body mode');
    const res = await request(t.url, 'POST', '/v1/auth/refresh', {
      body: { refresh_token: login.body.refresh_token },
    });
    assert.equal(res.status, 200);
    assert.equal(typeof res.body.refresh_token, 'string');
  });
});
