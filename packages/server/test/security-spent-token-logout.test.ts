// Attacker's side (issue 9 hole 7): a thief holding a spent (or expired) refresh token must not be
// able to end the victim's sessions with it. Presented to logout, logout-all or RFC 7009 revoke,
// it is reuse: its own family is revoked and `refresh_reuse_detected` audited; every other session
// of the victim lives on.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../src/app-context.js';
import { adminToken, basic, createOAuthClient, form, login, startOpsServer } from './ops-support.js';
import { registerAndLogin, request, startTestServer, type TestServer } from './support/server-harness.js';

async function auditCount(s: TestServer, event: string, sub: string): Promise<number> {
  await sleep(50); // audit writes may finish after the response
  return (await s.server.ctx.stores.audit.query({ event, sub, limit: 100 })).length;
}

const refresh = (s: TestServer, refresh_token: string) =>
  request(s.url, 'POST', '/v1/auth/refresh', { body: { refresh_token } });

/** A victim with two sessions; the first one's token was rotated, so the thief holds a spent token. */
async function victimWithSpentToken(s: TestServer) {
  const victim = await registerAndLogin(s.url);
  const laptop = await login(s.url, victim.email);
  const rotated = await refresh(s, victim.refreshToken);
  assert.equal(rotated.status, 200);
  return { victim, laptop, spent: victim.refreshToken, live: rotated.body.refresh_token as string };
}

async function assertLaptopAlive(s: TestServer, laptop: { accessToken: string; refreshToken: string }) {
  assert.equal((await request(s.url, 'GET', '/v1/me', { token: laptop.accessToken })).status, 200);
  assert.equal((await refresh(s, laptop.refreshToken)).status, 200, 'the other session still refreshes');
}

describe('a spent refresh token is not proof of identity', { timeout: 60_000 }, () => {
  let s: TestServer;
  before(async () => {
    s = await startOpsServer();
  });
  after(() => s.stop(true));

  test('logout-all with a spent token: reuse (that family revoked), every other session untouched', async () => {
    const { victim, laptop, live } = await victimWithSpentToken(s);
    const res = await request(s.url, 'POST', '/v1/auth/logout-all', {
      body: { refresh_token: victim.refreshToken },
    });
    assert.equal(res.status, 401);
    assert.equal(res.body.error, 'invalid_grant');
    await assertLaptopAlive(s, laptop);
    assert.equal((await refresh(s, live)).status, 401, 'the spent token family is revoked');
    assert.equal(await auditCount(s, 'refresh_reuse_detected', victim.userId), 1);
    assert.equal(await auditCount(s, 'logout_all', victim.userId), 0);
  });

  test('logout with a spent token: reuse, audited; the other session lives', async () => {
    const { victim, laptop, live } = await victimWithSpentToken(s);
    const res = await request(s.url, 'POST', '/v1/auth/logout', {
      body: { refresh_token: victim.refreshToken },
    });
    assert.equal(res.status, 401);
    await assertLaptopAlive(s, laptop);
    assert.equal((await refresh(s, live)).status, 401);
    assert.equal(await auditCount(s, 'refresh_reuse_detected', victim.userId), 1);
  });

  test('RFC 7009 revoke with a spent token: reuse, audited (the answer stays 200)', async () => {
    const admin = await adminToken(s.url);
    const client = await createOAuthClient(s.url, admin, ['revoke']);
    const { victim, laptop, live } = await victimWithSpentToken(s);
    const res = await form(
      s.url,
      '/v1/oauth/revoke',
      { token: victim.refreshToken },
      { authorization: basic(client.id, client.secret) },
    );
    assert.equal(res.status, 200, res.text);
    await assertLaptopAlive(s, laptop);
    assert.equal((await refresh(s, live)).status, 401);
    assert.equal(await auditCount(s, 'refresh_reuse_detected', victim.userId), 1);
    assert.equal(await auditCount(s, 'session_revoked', victim.userId), 0);
  });

  test('a live refresh token still logs out everywhere', async () => {
    const victim = await registerAndLogin(s.url);
    const laptop = await login(s.url, victim.email);
    const res = await request(s.url, 'POST', '/v1/auth/logout-all', {
      body: { refresh_token: victim.refreshToken },
    });
    assert.equal(res.status, 204, res.text);
    assert.equal((await refresh(s, laptop.refreshToken)).status, 401);
  });
});

describe('an expired refresh token is not proof of identity', { timeout: 60_000 }, () => {
  let now = Date.now();
  const clock: Clock = { now: () => now };
  let s: TestServer;
  before(async () => {
    s = await startTestServer({
      clock,
      env: { TESSERA_LOG_LEVEL: 'warn', TESSERA_REFRESH_TTL: '60', TESSERA_ACCESS_TTL: '300' },
    });
  });
  after(() => s.stop(true));

  test('logout-all with an expired token: reuse, the other session untouched', async () => {
    const victim = await registerAndLogin(s.url);
    now += 45_000;
    const laptop = await login(s.url, victim.email); // a newer session, still live below
    now += 30_000; // the victim's first refresh token (60 s) has expired, the laptop's has not
    const res = await request(s.url, 'POST', '/v1/auth/logout-all', {
      body: { refresh_token: victim.refreshToken },
    });
    assert.equal(res.status, 401);
    assert.equal(await auditCount(s, 'refresh_reuse_detected', victim.userId), 1);
    assert.equal(await auditCount(s, 'logout_all', victim.userId), 0);
    assert.equal((await refresh(s, laptop.refreshToken)).status, 200);
  });
});
