// Two ASVS 5.0 requirements checked end to end over real HTTP (docs/security.md maps them):
// 6.2.8, the password is verified exactly as typed (no trimming, truncation or case folding), and
// 7.3.1, a refresh token left unused for TESSERA_REFRESH_TTL no longer opens the session.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request, startTestServer, type TestServer, uniqueEmail } from './support/server-harness.js';

const PASSWORD = 'Violet Harbour engine 73';

describe('ASVS checks over HTTP', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({
      env: { TESSERA_REFRESH_TTL: '2', TESSERA_LOG_LEVEL: 'warn', TESSERA_LOGIN_LIMIT_ACCOUNT: '100/15m' },
    });
  });
  after(() => s.stop(true));

  test('6.2.8: only the exact password logs in (case, spaces, truncation and Unicode forms differ)', async () => {
    const email = uniqueEmail('exact');
    const reg = await request(s.url, 'POST', '/v1/auth/register', { body: { email, password: PASSWORD } });
    assert.equal(reg.status, 201, reg.text);
    const login = (password: string) =>
      request(s.url, 'POST', '/v1/auth/login', { body: { email, password } });
    for (const near of [
      PASSWORD.toLowerCase(),
      PASSWORD.toUpperCase(),
      ` ${PASSWORD}`,
      `${PASSWORD} `,
      PASSWORD.slice(0, -1),
      PASSWORD.replace(/ /g, '  '),
    ]) {
      assert.equal((await login(near)).status, 401, JSON.stringify(near));
    }
    assert.equal((await login(PASSWORD)).status, 200);
    // A password with a precomposed accent and its decomposed form are different secrets as typed.
    const accented = uniqueEmail('nfc');
    const composed = 'caf\u00e9 lantern orbit 41';
    const decomposed = 'cafe\u0301 lantern orbit 41';
    const made = await request(s.url, 'POST', '/v1/auth/register', {
      body: { email: accented, password: composed },
    });
    assert.equal(made.status, 201, made.text);
    const as = (password: string) =>
      request(s.url, 'POST', '/v1/auth/login', { body: { email: accented, password } });
    assert.equal((await as(composed)).status, 200);
    assert.equal((await as(decomposed)).status, 401);
  });

  test('7.3.1: a refresh token unused for TESSERA_REFRESH_TTL (2 s here) is refused', async () => {
    const email = uniqueEmail('idle');
    await request(s.url, 'POST', '/v1/auth/register', { body: { email, password: PASSWORD } });
    const login = await request(s.url, 'POST', '/v1/auth/login', {
      body: { email, password: PASSWORD, refresh_token_in_body: true },
    });
    assert.equal(login.status, 200, login.text);
    // Used within the idle limit: rotates and keeps the session alive.
    const used = await request(s.url, 'POST', '/v1/auth/refresh', {
      body: { refresh_token: login.body.refresh_token, refresh_token_in_body: true },
    });
    assert.equal(used.status, 200, used.text);
    await new Promise((r) => setTimeout(r, 3_200));
    const idle = await request(s.url, 'POST', '/v1/auth/refresh', {
      body: { refresh_token: used.body.refresh_token, refresh_token_in_body: true },
    });
    assert.equal(idle.status, 401, idle.text);
  });
});
