// Attacker's side (issue 9 hole 4): the reuse interval (grace) lets a spent refresh token get its
// successor back, for two tabs racing or a retried request. It must not hand out a successor that
// was itself already rotated, must leave an audit trail, and must only serve the first caller: a
// thief replaying the spent token from another client inside the interval is reuse.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startOpsServer } from './ops-support.js';
import { registerAndLogin, request, type TestServer } from './support/server-harness.js';

const BROWSER = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0' };
const THIEF = { 'user-agent': 'curl/8.4.0' };

describe('refresh reuse interval (grace)', { timeout: 60_000 }, () => {
  let s: TestServer;
  before(async () => {
    // The thief's other address arrives through a trusted proxy's X-Forwarded-For.
    s = await startOpsServer({ TESSERA_REUSE_INTERVAL: '10', TESSERA_TRUSTED_PROXIES: '127.0.0.1/32' });
  });
  after(() => s.stop(true));

  const refresh = (refresh_token: string, headers: Record<string, string> = BROWSER) =>
    request(s.url, 'POST', '/v1/auth/refresh', { body: { refresh_token }, headers });

  async function auditCount(event: string, sub: string): Promise<number> {
    await sleep(50); // audit writes may finish after the response
    return (await s.server.ctx.stores.audit.query({ event, sub, limit: 100 })).length;
  }

  async function loginAs(headers: Record<string, string>) {
    const user = await registerAndLogin(s.url);
    // The session's fingerprint is the rotating client's; log in again from the browser itself.
    const res = await request(s.url, 'POST', '/v1/auth/login', {
      body: { email: user.email, password: 'correct horse battery 42', refresh_token_in_body: true },
      headers,
    });
    assert.equal(res.status, 200, res.text);
    return { ...user, refreshToken: res.body.refresh_token as string };
  }

  test('a grace hit returns the unspent successor to the same client and is audited', async () => {
    const user = await loginAs(BROWSER);
    const first = await refresh(user.refreshToken);
    assert.equal(first.status, 200);
    const again = await refresh(user.refreshToken);
    assert.equal(again.status, 200, again.text);
    assert.equal(again.body.refresh_token, first.body.refresh_token);
    assert.equal(await auditCount('refresh_grace_used', user.userId), 1);
    assert.equal(await auditCount('refresh_reuse_detected', user.userId), 0);
  });

  test('a spent token whose successor was already rotated is reuse, even inside the interval', async () => {
    const user = await loginAs(BROWSER);
    const first = await refresh(user.refreshToken);
    assert.equal(first.status, 200);
    const second = await refresh(first.body.refresh_token);
    assert.equal(second.status, 200);
    // Inside the interval, but the successor is spent: nothing to hand out any more.
    const replay = await refresh(user.refreshToken);
    assert.equal(replay.status, 401);
    assert.equal(replay.body.error, 'invalid_grant');
    assert.equal(replay.body.refresh_token, undefined);
    // The family is revoked: the newest token and its access token die with it.
    assert.equal((await refresh(second.body.refresh_token)).status, 401);
    assert.equal((await request(s.url, 'GET', '/v1/me', { token: second.body.access_token })).status, 401);
    assert.equal(await auditCount('refresh_reuse_detected', user.userId), 1);
  });

  test('another User-Agent presenting the spent token inside the interval is reuse', async () => {
    const user = await loginAs(BROWSER);
    const first = await refresh(user.refreshToken, BROWSER);
    assert.equal(first.status, 200);
    const stolen = await refresh(user.refreshToken, THIEF);
    assert.equal(stolen.status, 401);
    assert.equal(stolen.body.refresh_token, undefined);
    assert.equal((await refresh(first.body.refresh_token, BROWSER)).status, 401, 'family revoked');
    assert.equal(await auditCount('refresh_reuse_detected', user.userId), 1);
    assert.equal(await auditCount('refresh_grace_used', user.userId), 0);
  });

  test('another IP (same User-Agent) presenting the spent token inside the interval is reuse', async () => {
    const user = await loginAs(BROWSER);
    const first = await refresh(user.refreshToken, { ...BROWSER, 'x-forwarded-for': '198.51.100.7' });
    assert.equal(first.status, 200);
    const stolen = await refresh(user.refreshToken, { ...BROWSER, 'x-forwarded-for': '203.0.113.66' });
    assert.equal(stolen.status, 401);
    assert.equal(stolen.body.refresh_token, undefined);
    const owner = await refresh(first.body.refresh_token, { ...BROWSER, 'x-forwarded-for': '198.51.100.7' });
    assert.equal(owner.status, 401, 'family revoked');
    assert.equal(await auditCount('refresh_reuse_detected', user.userId), 1);
  });
});
