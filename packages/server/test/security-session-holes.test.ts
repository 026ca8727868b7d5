// Attacker's side, sessions and accounts (issue 9 holes 4, 7, 8): a thief holding a spent refresh
// token must not get a live successor nor end the victim's sessions with it, and the last enabled
// admin cannot lock everyone out while a disabled admin still "counts".
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { adminToken, createUser, login, startOpsServer } from './ops-support.js';
import { registerAndLogin, request, type TestServer } from './support/server-harness.js';

const BROWSER = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0' };
const THIEF = { 'user-agent': 'curl/8.4.0' };

describe('refresh reuse interval (grace)', () => {
  let s: TestServer;
  before(async () => {
    s = await startOpsServer();
  });
  after(() => s.stop(true));

  const refresh = (refresh_token: string, headers: Record<string, string> = BROWSER) =>
    request(s.url, 'POST', '/v1/auth/refresh', { body: { refresh_token }, headers });

  async function auditCount(event: string, sub: string): Promise<number> {
    await sleep(50); // audit writes may finish after the response
    return (await s.server.ctx.stores.audit.query({ event, sub, limit: 100 })).length;
  }

  test('a spent token whose successor was already rotated is reuse, even inside the interval', async () => {
    const user = await registerAndLogin(s.url);
    const first = await refresh(user.refreshToken);
    assert.equal(first.status, 200);
    const second = await refresh(first.body.refresh_token);
    assert.equal(second.status, 200);
    // Inside the 10 s interval, but the successor is spent: nothing to hand out any more.
    const replay = await refresh(user.refreshToken);
    assert.equal(replay.status, 401);
    assert.equal(replay.body.error, 'invalid_grant');
    assert.equal(replay.body.refresh_token, undefined);
    // The family is revoked: the newest token and its access token die with it.
    assert.equal((await refresh(second.body.refresh_token)).status, 401);
    assert.equal((await request(s.url, 'GET', '/v1/me', { token: second.body.access_token })).status, 401);
    assert.equal(await auditCount('refresh_reuse_detected', user.userId), 1);
  });

  test('a grace hit returns the unspent successor and is audited', async () => {
    const user = await registerAndLogin(s.url);
    const first = await refresh(user.refreshToken);
    const again = await refresh(user.refreshToken);
    assert.equal(again.status, 200);
    assert.equal(again.body.refresh_token, first.body.refresh_token);
    assert.equal(await auditCount('refresh_grace_used', user.userId), 1);
  });

  test('the grace is bound to the first caller: another client presenting the spent token is reuse', async () => {
    const user = await registerAndLogin(s.url);
    const first = await refresh(user.refreshToken, BROWSER);
    assert.equal(first.status, 200);
    const stolen = await refresh(user.refreshToken, THIEF);
    assert.equal(stolen.status, 401);
    assert.equal(stolen.body.refresh_token, undefined);
    assert.equal((await refresh(first.body.refresh_token, BROWSER)).status, 401, 'family revoked');
    assert.equal(await auditCount('refresh_reuse_detected', user.userId), 1);
  });
});

describe('a spent refresh token is not proof of identity', () => {
  let s: TestServer;
  before(async () => {
    s = await startOpsServer({ TESSERA_REUSE_INTERVAL: '0' });
  });
  after(() => s.stop(true));

  test('logout-all with a spent token: reuse (that family revoked), every other session untouched', async () => {
    const victim = await registerAndLogin(s.url);
    const laptop = await login(s.url, victim.email); // a second session of the victim
    const rotated = await request(s.url, 'POST', '/v1/auth/refresh', {
      body: { refresh_token: victim.refreshToken },
    });
    assert.equal(rotated.status, 200);
    // The thief holds the spent token and tries to sign the victim out everywhere.
    const res = await request(s.url, 'POST', '/v1/auth/logout-all', {
      body: { refresh_token: victim.refreshToken },
    });
    assert.equal(res.status, 401);
    assert.equal(res.body.error, 'invalid_grant');
    assert.equal((await request(s.url, 'GET', '/v1/me', { token: laptop.accessToken })).status, 200);
    const laptopRefresh = await request(s.url, 'POST', '/v1/auth/refresh', {
      body: { refresh_token: laptop.refreshToken },
    });
    assert.equal(laptopRefresh.status, 200, 'the other session still refreshes');
    // The family of the spent token is revoked, as for any reuse.
    assert.equal(
      (
        await request(s.url, 'POST', '/v1/auth/refresh', {
          body: { refresh_token: rotated.body.refresh_token },
        })
      ).status,
      401,
    );
    await sleep(50);
    const audit = await s.server.ctx.stores.audit.query({
      event: 'refresh_reuse_detected',
      sub: victim.userId,
      limit: 10,
    });
    assert.equal(audit.length, 1);
    assert.equal(
      (await s.server.ctx.stores.audit.query({ event: 'logout_all', sub: victim.userId, limit: 10 })).length,
      0,
    );
  });

  test('logout with a spent token ends nothing but its own (already compromised) family', async () => {
    const victim = await registerAndLogin(s.url);
    const other = await login(s.url, victim.email);
    await request(s.url, 'POST', '/v1/auth/refresh', { body: { refresh_token: victim.refreshToken } });
    const res = await request(s.url, 'POST', '/v1/auth/logout', {
      body: { refresh_token: victim.refreshToken },
    });
    assert.equal(res.status, 401);
    assert.equal((await request(s.url, 'GET', '/v1/me', { token: other.accessToken })).status, 200);
  });
});

describe('last-admin guard', () => {
  let s: TestServer;
  let admin: string;
  before(async () => {
    s = await startOpsServer();
    admin = await adminToken(s.url);
  });
  after(() => s.stop(true));

  test('a disabled admin does not count: the last enabled admin cannot demote or disable itself', async () => {
    const other = await createUser(s.url, admin, ['admin']);
    const disable = await request(s.url, 'PATCH', `/v1/admin/users/${other.id}`, {
      token: admin,
      body: { disabled: true },
    });
    assert.equal(disable.status, 200, disable.text);
    const me = (await request(s.url, 'GET', '/v1/me', { token: admin })).body.sub as string;
    const demote = await request(s.url, 'PATCH', `/v1/admin/users/${me}`, {
      token: admin,
      body: { roles: ['user'] },
    });
    assert.equal(demote.status, 400, demote.text);
    assert.match(demote.body.error_description, /last admin/);
    const selfDisable = await request(s.url, 'PATCH', `/v1/admin/users/${me}`, {
      token: admin,
      body: { disabled: true },
    });
    assert.equal(selfDisable.status, 400);
    assert.equal(
      (await request(s.url, 'GET', '/v1/admin/users', { token: admin })).status,
      200,
      'still admin',
    );
  });
});
