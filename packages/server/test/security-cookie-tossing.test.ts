// Attacker's side: cookie tossing. An attacker who controls a sibling subdomain plants their own
// `tessera_rt` (Domain=.example.com, a more specific Path) so the victim's browser sends it first,
// and the victim is silently signed into the attacker's account. Two refresh cookies are refused.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { decodeToken } from '@tessera/core';
import {
  registerAndLogin,
  request,
  startTestServer,
  TEST_ORIGIN,
  type TestServer,
} from './support/server-harness.js';

let s: TestServer;
before(async () => {
  s = await startTestServer({ env: { TESSERA_LOG_LEVEL: 'warn' } });
});
after(() => s.stop(true));

test('a request carrying two refresh cookies is refused and spends neither', async () => {
  const victim = await registerAndLogin(s.url);
  const attacker = await registerAndLogin(s.url);
  for (const cookie of [
    `tessera_rt=${attacker.refreshToken}; tessera_rt=${victim.refreshToken}`,
    `theme=dark;tessera_rt=${attacker.refreshToken};  tessera_rt=${victim.refreshToken}`,
  ]) {
    const tossed = await request(s.url, 'POST', '/v1/auth/refresh', {
      headers: { cookie, origin: TEST_ORIGIN },
    });
    assert.equal(tossed.status, 400);
    assert.equal(tossed.body.error, 'invalid_request');
    assert.match(tossed.body.error_description, /Two tessera_rt cookies/);
    assert.equal(tossed.body.access_token, undefined);
  }
  // Neither token was spent: the victim's own cookie alone still refreshes into the victim's account.
  const own = await request(s.url, 'POST', '/v1/auth/refresh', {
    headers: { cookie: `tessera_rt=${victim.refreshToken}`, origin: TEST_ORIGIN },
  });
  assert.equal(own.status, 200);
  assert.equal(decodeToken(own.body.access_token).payload.sub, victim.userId);
});

test('logout with two refresh cookies is refused too', async () => {
  const victim = await registerAndLogin(s.url);
  const attacker = await registerAndLogin(s.url);
  const res = await request(s.url, 'POST', '/v1/auth/logout', {
    headers: {
      cookie: `tessera_rt=${attacker.refreshToken}; tessera_rt=${victim.refreshToken}`,
      origin: TEST_ORIGIN,
    },
  });
  assert.equal(res.status, 400);
  const me = await request(s.url, 'GET', '/v1/me', { token: victim.accessToken });
  assert.equal(me.status, 200, 'the victim stays signed in');
});
