// Attacker's side (issue 9 hole 13): a leaked signing key must be killable at once. An attacker who
// holds the private key mints tokens that verify until the key is gone; emergency rotation alone
// keeps the old key verifying (retiring) for the access-token lifetime. POST
// /v1/admin/keys/:kid/revoke takes the key out of the JWKS, makes the server refuse its tokens at
// once, and puts its kid on the revocation feed, so a @tessera/verify instance following the feed
// (whose JWKS cache still holds the key) refuses them within a second.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRemoteVerifier, type RemoteVerifier } from '@tessera/verify';
import { adminToken, createOAuthClient, createUser, login, startOpsServer } from './ops-support.js';
import { request, TEST_ISSUER, type TestServer } from './support/server-harness.js';

const kidOf = (token: string): string =>
  JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')).kid as string;

/** Polls `fn` until it returns true or `ms` pass; returns the time it took, or undefined. */
async function within(ms: number, fn: () => boolean): Promise<number | undefined> {
  const start = Date.now();
  while (Date.now() - start <= ms) {
    if (fn()) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 10));
  }
  return undefined;
}

function refusedCode(verifier: RemoteVerifier, token: string): string | undefined {
  try {
    verifier.verify(token);
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code ?? 'ERR_UNKNOWN';
  }
}

describe('revoking a leaked signing key', { timeout: 60_000 }, () => {
  let s: TestServer;
  let verifier: RemoteVerifier;
  before(async () => {
    s = await startOpsServer();
    const admin = await adminToken(s.url);
    const client = await createOAuthClient(s.url, admin, ['revocations:read']);
    verifier = createRemoteVerifier({
      issuer: TEST_ISSUER,
      audience: 'tessera',
      jwksUri: `${s.url}/.well-known/jwks.json`,
      revocations: { url: `${s.url}/v1/revocations`, clientId: client.id, clientSecret: client.secret },
    });
    await verifier.ready();
  });
  after(async () => {
    verifier.close();
    await s.stop(true);
  });

  test('the active key: out of the JWKS, refused by the server at once and by verify within 1 s', async () => {
    const admin = await adminToken(s.url);
    const victim = await createUser(s.url, admin);
    const leaked = kidOf(victim.accessToken);
    assert.equal(refusedCode(verifier, victim.accessToken), undefined, 'verify accepts it before');
    assert.ok(verifier.state().revocations?.connected, 'verify follows the stream');

    const res = await request(s.url, 'POST', `/v1/admin/keys/${leaked}/revoke`, { token: admin });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.kid, leaked);
    assert.equal(res.body.state, 'revoked');
    assert.equal(res.body.previous_state, 'active');
    assert.notEqual(res.body.active_kid, leaked, 'a new key signs');

    // Server side, at once: gone from the JWKS, its tokens refused.
    const jwks = await request(s.url, 'GET', '/.well-known/jwks.json');
    assert.ok(!jwks.body.keys.some((k: { kid: string }) => k.kid === leaked));
    assert.equal((await request(s.url, 'GET', '/v1/me', { token: victim.accessToken })).status, 401);
    assert.equal((await request(s.url, 'GET', '/v1/me', { token: admin })).status, 401);

    // The verifier's JWKS cache still holds the key: only the feed's kid entry can stop it.
    assert.ok(verifier.state().keys.includes(leaked), 'verify still caches the leaked key');
    const took = await within(1000, () => refusedCode(verifier, victim.accessToken) === 'ERR_JWT_REVOKED');
    assert.ok(took !== undefined, 'verify refused the token within a second');

    // The feed snapshot carries it, like jti/sid/sub entries.
    const fresh = await adminToken(s.url);
    const feed = await request(s.url, 'GET', '/v1/revocations', { token: fresh });
    const entry = feed.body.revocations.find((e: { type: string }) => e.type === 'kid');
    assert.equal(entry?.value, leaked);
    assert.equal(typeof entry?.exp, 'number');

    // A new login is signed by the new key and accepted everywhere.
    const again = await login(s.url, victim.email);
    assert.equal(kidOf(again.accessToken), res.body.active_kid);
    assert.equal((await request(s.url, 'GET', '/v1/me', { token: again.accessToken })).status, 200);
    await verifier.refreshKeys(); // (its unknown-kid refetch is rate-limited to one per 30 s)
    assert.equal(refusedCode(verifier, again.accessToken), undefined);
    assert.ok(!verifier.state().keys.includes(leaked), 'the refreshed key set no longer has it');

    const audit = await s.server.ctx.stores.audit.query({ event: 'key_revoked', limit: 10 });
    assert.equal(audit.length, 1);
    assert.equal(audit[0]?.details.kid, leaked);

    const keys = await request(s.url, 'GET', '/v1/admin/keys', { token: fresh });
    assert.equal(keys.body.keys.find((k: { kid: string }) => k.kid === leaked)?.state, 'revoked');
  });

  test('a retiring key (after an emergency rotation) stops verifying too', async () => {
    const admin = await adminToken(s.url);
    const victim = await createUser(s.url, admin);
    const old = kidOf(victim.accessToken);
    const rotated = await request(s.url, 'POST', '/v1/admin/keys/rotate', { token: admin, body: {} });
    assert.equal(rotated.status, 200, rotated.text);
    // Rotation alone: the old key still verifies (retiring).
    assert.equal((await request(s.url, 'GET', '/v1/me', { token: victim.accessToken })).status, 200);
    const fresh = await adminToken(s.url);
    const res = await request(s.url, 'POST', `/v1/admin/keys/${old}/revoke`, { token: fresh });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.previous_state, 'retiring');
    assert.equal(res.body.active_kid, rotated.body.kid, 'the active key is kept');
    assert.equal((await request(s.url, 'GET', '/v1/me', { token: victim.accessToken })).status, 401);
    assert.equal((await request(s.url, 'GET', '/v1/me', { token: fresh })).status, 200);
    const jwks = await request(s.url, 'GET', '/.well-known/jwks.json');
    assert.ok(!jwks.body.keys.some((k: { kid: string }) => k.kid === old));
  });

  test('unknown kid: 404; not an admin: 403', async () => {
    const admin = await adminToken(s.url);
    const unknown = await request(s.url, 'POST', '/v1/admin/keys/no-such-kid/revoke', { token: admin });
    assert.equal(unknown.status, 404, unknown.text);
    const user = await createUser(s.url, admin);
    const kid = kidOf(user.accessToken);
    const refused = await request(s.url, 'POST', `/v1/admin/keys/${kid}/revoke`, { token: user.accessToken });
    assert.equal(refused.status, 403);
    assert.equal((await request(s.url, 'GET', '/v1/me', { token: user.accessToken })).status, 200);
  });
});
