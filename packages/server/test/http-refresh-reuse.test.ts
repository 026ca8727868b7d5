// Refresh rotation under concurrency and reuse, over real HTTP: racing refreshes inside the reuse
// interval all get the same successor; a replay after it revokes the family and its access tokens
// at once; the absolute session cap ends a session whatever the rotations.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { registerAndLogin, request, startTestServer, type TestServer } from './support/server-harness.js';

// The racing test keeps the default 10 s interval (a loaded machine can spread six requests over
// seconds); the replay test uses a short one so it does not have to wait long.
const REUSE_INTERVAL_SEC = 2;

describe('refresh reuse interval and reuse detection', () => {
  let t: TestServer;
  let racing: TestServer;
  before(async () => {
    t = await startTestServer({ env: { TESSERA_REUSE_INTERVAL: String(REUSE_INTERVAL_SEC) } });
    racing = await startTestServer();
  });
  after(async () => {
    await t.stop(true);
    await racing.stop(true);
  });

  const refresh = (refresh_token: string) =>
    request(t.url, 'POST', '/v1/auth/refresh', { body: { refresh_token } });

  test('concurrent refreshes inside the interval all succeed with the same successor', async () => {
    const user = await registerAndLogin(racing.url);
    const refreshRacing = (refresh_token: string) =>
      request(racing.url, 'POST', '/v1/auth/refresh', { body: { refresh_token } });
    const results = await Promise.all(Array.from({ length: 6 }, () => refreshRacing(user.refreshToken)));
    for (const r of results) assert.equal(r.status, 200, r.text);
    const successors = new Set(results.map((r) => r.body.refresh_token));
    assert.equal(successors.size, 1, 'every racer got the same successor');
    const [successor] = successors;
    assert.notEqual(successor, user.refreshToken);
    // Each racer still got a working access token of the same session.
    const sids = new Set<string>();
    for (const r of results) {
      const me = await request(racing.url, 'GET', '/v1/me', { token: r.body.access_token });
      assert.equal(me.status, 200);
      sids.add(me.body.sid);
    }
    assert.equal(sids.size, 1);
    // The successor rotates normally.
    const next = await refreshRacing(successor);
    assert.equal(next.status, 200);
    assert.notEqual(next.body.refresh_token, successor);
  });

  test('a replay after the interval is reuse: family revoked, access tokens refused at once, audited', async () => {
    const user = await registerAndLogin(t.url);
    const first = await refresh(user.refreshToken);
    assert.equal(first.status, 200);
    const successor = first.body.refresh_token as string;
    const access = first.body.access_token as string;
    const sid = (await request(t.url, 'GET', '/v1/me', { token: access })).body.sid as string;

    await sleep(REUSE_INTERVAL_SEC * 1000 + 300);
    const replay = await refresh(user.refreshToken);
    assert.equal(replay.status, 401);
    assert.equal(replay.body.error, 'invalid_grant');

    // No waiting: the deny-list is updated before the reuse answer is sent.
    const me = await request(t.url, 'GET', '/v1/me', { token: access });
    assert.equal(me.status, 401);
    assert.equal(me.headers.get('www-authenticate'), 'Bearer error="invalid_token"');
    const meFirst = await request(t.url, 'GET', '/v1/me', { token: user.accessToken });
    assert.equal(meFirst.status, 401, 'the login access token of the family is refused too');
    const successorUse = await refresh(successor);
    assert.equal(successorUse.status, 401, 'the unspent successor died with its family');

    const events = await t.server.ctx.stores.audit.query({
      event: 'refresh_reuse_detected',
      sub: user.userId,
      limit: 10,
    });
    assert.equal(events.length, 1);
    assert.equal(events[0]?.sessionId, sid);
    const session = await t.server.ctx.stores.sessions.get(sid);
    assert.equal(session?.revokedReason, 'reuse');
  });

  test('garbage and unknown refresh tokens are a plain 401 invalid_grant', async () => {
    for (const token of ['x', 'A'.repeat(43), 'not a token at all, with spaces']) {
      const r = await refresh(token);
      assert.equal(r.status, 401);
      assert.equal(r.body.error, 'invalid_grant');
    }
  });
});

describe('absolute session cap', () => {
  test('a session ends at TESSERA_SESSION_MAX_AGE even while it keeps rotating', async () => {
    const t = await startTestServer({ env: { TESSERA_SESSION_MAX_AGE: '3', TESSERA_REFRESH_TTL: '3' } });
    try {
      const user = await registerAndLogin(t.url);
      await sleep(1200);
      const r1 = await request(t.url, 'POST', '/v1/auth/refresh', {
        body: { refresh_token: user.refreshToken },
      });
      assert.equal(r1.status, 200);
      assert.ok(
        r1.body.refresh_expires_in <= 2,
        `refresh_expires_in ${r1.body.refresh_expires_in} is capped`,
      );
      await sleep(2200);
      const r2 = await request(t.url, 'POST', '/v1/auth/refresh', {
        body: { refresh_token: r1.body.refresh_token },
      });
      assert.equal(r2.status, 401);
      assert.equal(r2.body.error, 'invalid_grant');
    } finally {
      await t.stop(true);
    }
  });
});
