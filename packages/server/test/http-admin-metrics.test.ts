// GET /v1/admin/metrics: the console's charts read every series with an admin's access token; a
// user's token and no token are refused, as from any other address than loopback.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  GOOD_PASSWORD,
  registerAndLogin,
  request,
  startTestServer,
  type TestServer,
} from './support/server-harness.js';

describe('GET /v1/admin/metrics', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({
      env: {
        TESSERA_BOOTSTRAP_ADMIN_EMAIL: 'ops@example.com',
        TESSERA_BOOTSTRAP_ADMIN_PASSWORD: GOOD_PASSWORD,
      },
    });
  });
  after(() => t.stop(true));

  test('admin: every series, including login failure reasons; never cached', async () => {
    await request(t.url, 'POST', '/v1/auth/login', {
      body: { email: 'ops@example.com', password: 'wrong password 1' },
    });
    const login = await request(t.url, 'POST', '/v1/auth/login', {
      body: { email: 'ops@example.com', password: GOOD_PASSWORD, refresh_token_in_body: true },
    });
    assert.equal(login.status, 200);
    const res = await request(t.url, 'GET', '/v1/admin/metrics', { token: login.body.access_token });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/plain/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.match(res.text, /^tessera_tokens_issued_total\{kind="login"\} [1-9]/m);
    assert.match(res.text, /^tessera_login_failures_total\{reason="[a-z_]+"\} 1/m);
  });

  test('a user token is 403, no token 401', async () => {
    const user = await registerAndLogin(t.url);
    assert.equal((await request(t.url, 'GET', '/v1/admin/metrics', { token: user.accessToken })).status, 403);
    const none = await request(t.url, 'GET', '/v1/admin/metrics');
    assert.equal(none.status, 401);
    assert.doesNotMatch(none.text, /tessera_/);
  });
});
