// The whole story over real HTTP on a temporary SQLite file: register → login (cookie) → /v1/me →
// refresh → reuse → logout → logout-all → password change → restart, and the logs of it all.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  GOOD_PASSWORD,
  type JsonResponse,
  refreshCookie,
  registerAndLogin,
  request,
  setCookieLine,
  startTestServer,
  TEST_ORIGIN,
  type TestServer,
  uniqueEmail,
} from './support/server-harness.js';

describe('login → refresh → reuse → logout → logout-all', () => {
  let t: TestServer;
  const secrets: string[] = [];
  const remember = <T extends string | undefined>(value: T): T => {
    if (value) secrets.push(value);
    return value;
  };
  before(async () => {
    t = await startTestServer();
    secrets.push(GOOD_PASSWORD);
  });
  after(async () => {
    await t.stop(true);
  });

  const cookieRefresh = (cookie: string): Promise<JsonResponse> =>
    request(t.url, 'POST', '/v1/auth/refresh', {
      headers: { cookie: `tessera_rt=${cookie}`, origin: TEST_ORIGIN },
    });

  test('register answers 201 {user: {id, email}} with a normalised email', async () => {
    const email = uniqueEmail('Story');
    const res = await request(t.url, 'POST', '/v1/auth/register', {
      body: { email: `  ${email.toUpperCase()} `, password: GOOD_PASSWORD },
    });
    assert.equal(res.status, 201);
    assert.match(res.body.user.id, /^u_[A-Za-z0-9_-]{16}$/);
    assert.equal(res.body.user.email, email.toLowerCase());
    const again = await request(t.url, 'POST', '/v1/auth/register', {
      body: { email, password: GOOD_PASSWORD },
    });
    assert.equal(again.status, 409);
    assert.equal(again.body.error, 'email_taken');
  });

  test('login sets the tessera_rt cookie with HttpOnly; Secure; SameSite=Strict; Path=/v1/auth', async () => {
    const email = uniqueEmail();
    await request(t.url, 'POST', '/v1/auth/register', { body: { email, password: GOOD_PASSWORD } });
    const login = await request(t.url, 'POST', '/v1/auth/login', {
      body: { email, password: GOOD_PASSWORD },
    });
    assert.equal(login.status, 200);
    assert.equal(login.body.token_type, 'Bearer');
    assert.equal(login.body.expires_in, 900);
    assert.equal(login.body.refresh_token, undefined, 'browser mode keeps the refresh token out of the body');
    assert.equal(login.headers.get('cache-control'), 'no-store');
    remember(login.body.access_token);
    const line = setCookieLine(login);
    assert.ok(line, 'a tessera_rt cookie is set');
    remember(refreshCookie(login));
    const attrs = line
      .split(';')
      .slice(1)
      .map((a) => a.trim().toLowerCase());
    assert.ok(attrs.includes('httponly'));
    assert.ok(attrs.includes('secure'));
    assert.ok(attrs.includes('samesite=strict'));
    assert.ok(attrs.includes('path=/v1/auth'));
    assert.ok(attrs.some((a) => a.startsWith('max-age=')));
  });

  test('the full story with the cookie, then reuse detection', async () => {
    const email = uniqueEmail();
    await request(t.url, 'POST', '/v1/auth/register', { body: { email, password: GOOD_PASSWORD } });
    const login = await request(t.url, 'POST', '/v1/auth/login', {
      body: { email, password: GOOD_PASSWORD },
      headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0' },
    });
    const access1 = remember(login.body.access_token as string);
    const cookie1 = remember(refreshCookie(login))!;

    const me = await request(t.url, 'GET', '/v1/me', { token: access1 });
    assert.equal(me.status, 200);
    assert.match(me.body.sub, /^u_/);
    assert.equal(me.body.iss, 'http://tessera.test');
    assert.equal(me.body.aud, 'tessera');
    assert.deepEqual(me.body.roles, ['user']);
    assert.equal(typeof me.body.sid, 'string');

    const sessions = await request(t.url, 'GET', '/v1/sessions', { token: access1 });
    assert.equal(sessions.status, 200);
    assert.equal(sessions.body.sessions.length, 1);
    const [s] = sessions.body.sessions;
    assert.equal(s.id, me.body.sid);
    assert.equal(s.current, true);
    assert.equal(s.device, 'Firefox 120 on Linux');
    assert.equal(s.ip, '127.0.0.1');
    assert.ok(Date.parse(s.created_at) > 0 && Date.parse(s.last_used_at) > 0);

    const r1 = await cookieRefresh(cookie1);
    assert.equal(r1.status, 200, r1.text);
    const cookie2 = remember(refreshCookie(r1))!;
    remember(r1.body.access_token);
    assert.ok(cookie2 && cookie2 !== cookie1, 'a new refresh token is issued');
    const r2 = await cookieRefresh(cookie2);
    assert.equal(r2.status, 200);
    const access3 = remember(r2.body.access_token as string);
    const cookie3 = remember(refreshCookie(r2))!;

    // cookie2 was just spent; inside the default 10 s reuse interval, the same client replaying it
    // gets its still-unspent successor (cookie3) back.
    const graceReplay = await cookieRefresh(cookie2);
    assert.equal(graceReplay.status, 200);
    assert.equal(refreshCookie(graceReplay), cookie3);

    const logout = await request(t.url, 'POST', '/v1/auth/logout', { token: access3 });
    assert.equal(logout.status, 204);
    assert.match(setCookieLine(logout) ?? '', /tessera_rt=;/);
    const meAfter = await request(t.url, 'GET', '/v1/me', { token: access3 });
    assert.equal(meAfter.status, 401);
    assert.equal(meAfter.headers.get('www-authenticate'), 'Bearer error="invalid_token"');
    const refreshAfter = await cookieRefresh(cookie3);
    assert.equal(refreshAfter.status, 401);
    assert.equal(refreshAfter.body.error, 'invalid_grant');
    // cookie1's successor (cookie2) is spent: no grace for it, even inside the interval.
    const replay = await cookieRefresh(cookie1);
    assert.equal(replay.status, 401);
    assert.equal(replay.body.error, 'invalid_grant');
  });

  test('logout-all revokes every session of the user and their access tokens', async () => {
    const a = await registerAndLogin(t.url);
    remember(a.accessToken);
    remember(a.refreshToken);
    const second = await request(t.url, 'POST', '/v1/auth/login', {
      body: { email: a.email, password: GOOD_PASSWORD, refresh_token_in_body: true },
    });
    const b = {
      accessToken: remember(second.body.access_token as string),
      refreshToken: remember(second.body.refresh_token as string),
    };
    const list = await request(t.url, 'GET', '/v1/sessions', { token: a.accessToken });
    assert.equal(list.body.sessions.length, 2);
    assert.equal(list.body.sessions.filter((s: { current: boolean }) => s.current).length, 1);

    const out = await request(t.url, 'POST', '/v1/auth/logout-all', { token: b.accessToken });
    assert.equal(out.status, 204);
    for (const token of [a.accessToken, b.accessToken]) {
      assert.equal((await request(t.url, 'GET', '/v1/me', { token })).status, 401);
    }
    for (const refresh_token of [a.refreshToken, b.refreshToken]) {
      const r = await request(t.url, 'POST', '/v1/auth/refresh', { body: { refresh_token } });
      assert.equal(r.status, 401);
    }
    // A new login after logout-all works.
    const again = await request(t.url, 'POST', '/v1/auth/login', {
      body: { email: a.email, password: GOOD_PASSWORD, refresh_token_in_body: true },
    });
    assert.equal(again.status, 200);
    remember(again.body.access_token);
    remember(again.body.refresh_token);
    assert.equal((await request(t.url, 'GET', '/v1/me', { token: again.body.access_token })).status, 200);
  });

  test('DELETE /v1/sessions/:id revokes one session; another user’s session is 404', async () => {
    const a = await registerAndLogin(t.url);
    const other = await registerAndLogin(t.url);
    const second = await request(t.url, 'POST', '/v1/auth/login', {
      body: { email: a.email, password: GOOD_PASSWORD, refresh_token_in_body: true },
    });
    for (const v of [a.accessToken, a.refreshToken, other.accessToken, other.refreshToken]) remember(v);
    remember(second.body.access_token);
    remember(second.body.refresh_token);
    const secondSid = (await request(t.url, 'GET', '/v1/me', { token: second.body.access_token })).body.sid;
    const otherSid = (await request(t.url, 'GET', '/v1/me', { token: other.accessToken })).body.sid;

    const foreign = await request(t.url, 'DELETE', `/v1/sessions/${otherSid}`, { token: a.accessToken });
    assert.equal(foreign.status, 404);
    assert.equal((await request(t.url, 'GET', '/v1/me', { token: other.accessToken })).status, 200);

    const del = await request(t.url, 'DELETE', `/v1/sessions/${secondSid}`, { token: a.accessToken });
    assert.equal(del.status, 204);
    assert.equal((await request(t.url, 'GET', '/v1/me', { token: second.body.access_token })).status, 401);
    assert.equal((await request(t.url, 'GET', '/v1/me', { token: a.accessToken })).status, 200);
    const list = await request(t.url, 'GET', '/v1/sessions', { token: a.accessToken });
    assert.deepEqual(
      list.body.sessions.map((s: { id: string }) => s.id),
      [(await request(t.url, 'GET', '/v1/me', { token: a.accessToken })).body.sid],
    );
  });

  test('password change keeps the current session and revokes the others', async () => {
    const a = await registerAndLogin(t.url);
    const second = await request(t.url, 'POST', '/v1/auth/login', {
      body: { email: a.email, password: GOOD_PASSWORD, refresh_token_in_body: true },
    });
    remember(a.accessToken);
    remember(a.refreshToken);
    remember(second.body.access_token);
    const newPassword = remember('a different passphrase 77');
    const wrong = await request(t.url, 'POST', '/v1/auth/password', {
      token: a.accessToken,
      body: { current_password: 'not the password 1', new_password: newPassword },
    });
    assert.equal(wrong.status, 403);
    const weak = await request(t.url, 'POST', '/v1/auth/password', {
      token: a.accessToken,
      body: { current_password: GOOD_PASSWORD, new_password: 'short' },
    });
    assert.equal(weak.status, 400);
    assert.equal(weak.body.error, 'weak_password');
    const ok = await request(t.url, 'POST', '/v1/auth/password', {
      token: a.accessToken,
      body: { current_password: GOOD_PASSWORD, new_password: newPassword },
    });
    assert.equal(ok.status, 204);
    assert.equal((await request(t.url, 'GET', '/v1/me', { token: a.accessToken })).status, 200);
    assert.equal((await request(t.url, 'GET', '/v1/me', { token: second.body.access_token })).status, 401);
    const oldLogin = await request(t.url, 'POST', '/v1/auth/login', {
      body: { email: a.email, password: GOOD_PASSWORD },
    });
    assert.equal(oldLogin.status, 401);
    const newLogin = await request(t.url, 'POST', '/v1/auth/login', {
      body: { email: a.email, password: newPassword, refresh_token_in_body: true },
    });
    assert.equal(newLogin.status, 200);
    remember(newLogin.body.access_token);
    remember(newLogin.body.refresh_token);
  });

  test('a browser whose access token is gone logs out with the cookie alone', async () => {
    const email = uniqueEmail('cookie-logout');
    await request(t.url, 'POST', '/v1/auth/register', { body: { email, password: GOOD_PASSWORD } });
    const login = await request(t.url, 'POST', '/v1/auth/login', {
      body: { email, password: GOOD_PASSWORD },
    });
    remember(login.body.access_token);
    const cookie = remember(refreshCookie(login))!;
    const out = await request(t.url, 'POST', '/v1/auth/logout', {
      headers: { cookie: `tessera_rt=${cookie}`, origin: TEST_ORIGIN },
    });
    assert.equal(out.status, 204);
    assert.equal((await request(t.url, 'GET', '/v1/me', { token: login.body.access_token })).status, 401);
    assert.equal((await cookieRefresh(cookie)).status, 401);
  });

  test('a disabled account gets the same 401 invalid_credentials as a wrong password', async () => {
    const user = await registerAndLogin(t.url);
    remember(user.accessToken);
    remember(user.refreshToken);
    await t.server.ctx.stores.users.update(user.userId, { disabled: true, updatedAt: Date.now() });
    const res = await request(t.url, 'POST', '/v1/auth/login', {
      body: { email: user.email, password: GOOD_PASSWORD },
    });
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, {
      error: 'invalid_credentials',
      error_description: 'Email or password is incorrect.',
    });
    // Its refresh token stops working too.
    const r = await request(t.url, 'POST', '/v1/auth/refresh', {
      body: { refresh_token: user.refreshToken },
    });
    assert.equal(r.status, 401);
  });

  test('no access token, refresh token or password appears in the logs', () => {
    const logs = t.logs();
    assert.ok(logs.includes('"msg":"request completed"'), 'the logs were captured');
    assert.ok(secrets.length > 20, `collected ${secrets.length} secrets`);
    for (const secret of secrets) {
      assert.equal(logs.includes(secret), false, `a secret of length ${secret.length} leaked into the logs`);
      // A token's signature alone is enough to replay nothing, but its payload part must not leak either.
      const middle = secret.split('.')[1];
      if (middle) assert.equal(logs.includes(middle), false);
    }
  });
});

describe('restart on the same database file', () => {
  test('sessions, refresh tokens and signing keys survive a restart', async () => {
    const first = await startTestServer();
    const user = await registerAndLogin(first.url);
    await first.stop();
    const second = await startTestServer({ dir: first.dir });
    try {
      const me = await request(second.url, 'GET', '/v1/me', { token: user.accessToken });
      assert.equal(me.status, 200, 'the access token signed before the restart still verifies');
      const refreshed = await request(second.url, 'POST', '/v1/auth/refresh', {
        body: { refresh_token: user.refreshToken },
      });
      assert.equal(refreshed.status, 200, refreshed.text);
      const sessions = await request(second.url, 'GET', '/v1/sessions', {
        token: refreshed.body.access_token,
      });
      assert.equal(sessions.body.sessions.length, 1);
      assert.equal(sessions.body.sessions[0].id, me.body.sid);
    } finally {
      await second.stop(true);
    }
  });
});
