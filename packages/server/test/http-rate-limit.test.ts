// Brute force: with the default 5/15m account limit, the 6th attempt after 5 failures is 429 with
// Retry-After even with the right password, and unknown emails are limited the same way.
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

describe('login rate limits', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ env: { TESSERA_REFRESH_LIMIT_IP: '3/15m' } });
  });
  after(async () => {
    await t.stop(true);
  });

  const login = (email: string, password: string) =>
    request(t.url, 'POST', '/v1/auth/login', { body: { email, password } });

  test('5 failures, then 429 with Retry-After even for the right password', async () => {
    const email = uniqueEmail('brute');
    await request(t.url, 'POST', '/v1/auth/register', { body: { email, password: GOOD_PASSWORD } });
    for (let i = 0; i < 5; i++) {
      const res = await login(email, `wrong password ${i}`);
      assert.equal(res.status, 401, `attempt ${i + 1}`);
      assert.equal(res.body.error, 'invalid_credentials');
    }
    const sixth = await login(email, GOOD_PASSWORD);
    assert.equal(sixth.status, 429);
    assert.equal(sixth.body.error, 'rate_limited');
    const retryAfter = Number(sixth.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 900, `Retry-After ${retryAfter}`);
    assert.equal(sixth.headers.get('ratelimit-remaining'), '0');
    assert.equal(sixth.headers.get('ratelimit-limit'), '5');

    const audit = await t.server.ctx.stores.audit.query({ event: 'rate_limited', limit: 50 });
    assert.ok(audit.length >= 1);
  });

  test('hammering a limit: every refusal counted in the metric, one audit row per account and window', async () => {
    const email = uniqueEmail('hammer');
    const refusedBefore = await refusals('login_account');
    const auditBefore = (await t.server.ctx.stores.audit.query({ event: 'rate_limited', limit: 1000 }))
      .length;
    for (let i = 0; i < 5; i++) assert.equal((await login(email, `wrong password ${i}`)).status, 401);
    for (let i = 0; i < 10; i++) assert.equal((await login(email, GOOD_PASSWORD)).status, 429);
    assert.equal((await refusals('login_account')) - refusedBefore, 10);
    await new Promise((r) => setTimeout(r, 50)); // audit writes are fire-and-forget
    const auditAfter = (await t.server.ctx.stores.audit.query({ event: 'rate_limited', limit: 1000 })).length;
    assert.equal(auditAfter - auditBefore, 1);
  });

  /** The tessera_rate_limited_total counter for one limit, read from /metrics. */
  async function refusals(limit: string): Promise<number> {
    const text = (await request(t.url, 'GET', '/metrics')).text;
    const line = text.split('\n').find((l) => l.startsWith(`tessera_rate_limited_total{limit="${limit}"}`));
    return line ? Number(line.split(' ').pop()) : 0;
  }

  test('unknown emails are limited the same way, so 429 reveals nothing', async () => {
    const email = uniqueEmail('ghost');
    for (let i = 0; i < 5; i++) assert.equal((await login(email, `guess number ${i}`)).status, 401);
    const sixth = await login(email, GOOD_PASSWORD);
    assert.equal(sixth.status, 429);
    assert.ok(Number(sixth.headers.get('retry-after')) >= 1);
  });

  test('a success resets the account counter', async () => {
    const email = uniqueEmail('reset');
    await request(t.url, 'POST', '/v1/auth/register', { body: { email, password: GOOD_PASSWORD } });
    for (let i = 0; i < 4; i++) assert.equal((await login(email, `wrong password ${i}`)).status, 401);
    assert.equal((await login(email, GOOD_PASSWORD)).status, 200);
    for (let i = 0; i < 4; i++) assert.equal((await login(email, `wrong password ${i}`)).status, 401);
    assert.equal((await login(email, GOOD_PASSWORD)).status, 200);
  });

  test('refresh is limited per IP (3/15m here)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        (await request(t.url, 'POST', '/v1/auth/refresh', { body: { refresh_token: 'x' } })).status,
      );
    }
    assert.deepEqual(statuses, [401, 401, 401, 429]);
  });

  test('a refresh refused by the limit keeps the cookie: nothing was spent', async () => {
    // The address has used its 3 refreshes above.
    const email = uniqueEmail('limited');
    await request(t.url, 'POST', '/v1/auth/register', { body: { email, password: GOOD_PASSWORD } });
    const cookie = refreshCookie(await login(email, GOOD_PASSWORD));
    assert.ok(cookie);
    const res = await request(t.url, 'POST', '/v1/auth/refresh', {
      headers: { cookie: `tessera_rt=${cookie}`, origin: TEST_ORIGIN },
    });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('set-cookie'), null, 'the cookie is not cleared');
  });

  test('the OAuth refresh_token grant counts on the same budget: 429 with Retry-After', async () => {
    const res = await request(t.url, 'POST', '/v1/oauth/token', {
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(res.status, 429);
    assert.equal(res.body.error, 'rate_limited');
    assert.ok(Number(res.headers.get('retry-after')) > 0);
    assert.equal(res.headers.get('ratelimit-limit'), '3');
  });
});
