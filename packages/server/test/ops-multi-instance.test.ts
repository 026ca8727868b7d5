// Two real servers on one SQLite file behave as one: one first key, an emergency rotation on one
// makes the other sign with the new key, and a revocation on one is enforced by the other.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeToken } from '@tessera/core';
import { adminToken, createUser, login, startOpsServer } from './ops-support.js';
import { request, startTestServer, type TestServer } from './support/server-harness.js';

async function eventually<T>(what: string, fn: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('two instances on one database', () => {
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    a = await startOpsServer();
    b = await startTestServer({ dir: a.dir, env: { TESSERA_LOG_LEVEL: 'warn' } });
  });
  after(async () => {
    await b.stop();
    await a.stop(true);
  });

  test('share one signing key and accept each other’s tokens', async () => {
    const ja = await request(a.url, 'GET', '/.well-known/jwks.json');
    const jb = await request(b.url, 'GET', '/.well-known/jwks.json');
    assert.deepEqual(ja.body, jb.body);
    assert.equal(ja.body.keys.length, 1);
    const admin = await adminToken(b.url);
    assert.equal((await request(a.url, 'GET', '/v1/admin/keys', { token: admin })).status, 200);
  });

  test('an emergency rotation on one instance reaches the other (reload every 2 s)', async () => {
    const admin = await adminToken(a.url);
    const rotated = await request(a.url, 'POST', '/v1/admin/keys/rotate', { token: admin });
    assert.equal(rotated.status, 200);
    const started = Date.now();
    const kid = await eventually('instance B to sign with the new key', async () => {
      const { accessToken } = await login(b.url, 'admin@example.com');
      const k = decodeToken(accessToken).header.kid;
      return k === rotated.body.kid ? k : undefined;
    });
    assert.equal(kid, rotated.body.kid);
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 10_000, `B signed with the new key after ${elapsed} ms`);
    // old tokens keep working on both
    assert.equal((await request(b.url, 'GET', '/v1/me', { token: admin })).status, 200);
  });

  test('a logout on one instance is refused by the other', async () => {
    const admin = await adminToken(a.url);
    const user = await createUser(a.url, admin);
    assert.equal((await request(b.url, 'GET', '/v1/me', { token: user.accessToken })).status, 200);
    assert.equal((await request(a.url, 'POST', '/v1/auth/logout', { token: user.accessToken })).status, 204);
    const started = Date.now();
    await eventually('instance B to refuse the token', async () => {
      const me = await request(b.url, 'GET', '/v1/me', { token: user.accessToken });
      return me.status === 401 ? true : undefined;
    });
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 10_000, `refused by B after ${elapsed} ms`);
  });
});
