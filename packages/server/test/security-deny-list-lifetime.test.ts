// Issue 9 hole 14: a deny-list entry lives exactly as long as the token it covers can. A revoked
// access token's `jti` entry expires at that token's own `exp`, not at "now + the current access
// TTL + a margin"; a token that still has minutes left would otherwise be forgotten early when the
// TTL was shortened after it was issued, or kept long after it died.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeToken } from '@tessera/core';
import { adminToken, basic, createOAuthClient, form, startOpsServer } from './ops-support.js';
import { registerAndLogin, type TestServer } from './support/server-harness.js';

describe('deny-list lifetimes follow each token', { timeout: 60_000 }, () => {
  let s: TestServer;
  before(async () => {
    s = await startOpsServer({ TESSERA_ACCESS_TTL: '10m' });
  });
  after(() => s.stop(true));

  test("a revoked access token's jti entry expires at that token's own exp", async () => {
    const admin = await adminToken(s.url);
    const revoker = await createOAuthClient(s.url, admin, ['revoke']);
    const user = await registerAndLogin(s.url);
    const { payload } = decodeToken(user.accessToken);
    const res = await form(
      s.url,
      '/v1/oauth/revoke',
      { token: user.accessToken },
      { authorization: basic(revoker.id, revoker.secret) },
    );
    assert.equal(res.status, 200);
    const now = Math.floor(s.server.ctx.clock.now() / 1000);
    const entries = await s.server.ctx.stores.revocations.since(0, now, 1000);
    const entry = entries.find((e) => e.type === 'jti' && e.value === payload.jti);
    assert.ok(entry, 'the jti is on the deny-list');
    assert.equal(entry.exp, payload.exp, 'the entry lives exactly as long as the token');
  });
});
