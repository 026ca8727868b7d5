// The checks both API examples must pass, against a real auth server, with the example running as
// its own process exactly as its README starts it (only the environment differs).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { api, startScript, startTessera, tamper, waitUntil } from './harness.mjs';

/** @param {string} name  @param {string} script absolute path of the example's server.mjs */
export function apiExampleSuite(name, script) {
  describe(`${name} example against a real Tessera server`, () => {
    let tessera;
    let example;
    let user;
    before(async () => {
      tessera = await startTessera();
      example = await startScript(script, {
        TESSERA_ISSUER: tessera.url,
        TESSERA_AUDIENCE: tessera.audience,
        TESSERA_CLIENT_ID: tessera.client.id,
        TESSERA_CLIENT_SECRET: tessera.client.secret,
        PORT: '0',
      });
      user = await tessera.newUser();
    });
    after(async () => {
      await example?.stop();
      await tessera?.close();
    });

    test('the public route needs no token', async () => {
      const res = await api(example.url, '/');
      assert.equal(res.status, 200);
      assert.equal(res.body.service, name);
    });

    test('no token: 401 with WWW-Authenticate: Bearer', async () => {
      const res = await api(example.url, '/me');
      assert.equal(res.status, 401);
      assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer\b/i);
      assert.doesNotMatch(res.headers.get('www-authenticate') ?? '', /error=/);
    });

    test("a valid token: 200 with the caller's claims", async () => {
      const res = await api(example.url, '/me', { token: user.token });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.sub, user.id);
      assert.equal(res.body.iss, tessera.url);
      assert.equal(res.body.aud, tessera.audience);
      assert.deepEqual(res.body.roles, ['user']);
      assert.equal(typeof res.body.sid, 'string');
    });

    test('a tampered token: 401 invalid_token, and the reason only in the log', async () => {
      const res = await api(example.url, '/me', { token: tamper(user.token) });
      assert.equal(res.status, 401);
      assert.match(res.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
      assert.deepEqual(res.body, { error: 'invalid_token' });
      await waitUntil(() => example.output().includes('ERR_JWS_SIGNATURE_INVALID'), 2000);
      assert.ok(!example.output().includes(user.token.split('.')[2]), 'the log must not hold the token');
    });

    test('admin route: a user gets 403 insufficient_scope, an admin 200', async () => {
      const denied = await api(example.url, '/admin', { token: user.token });
      assert.equal(denied.status, 403);
      assert.match(denied.headers.get('www-authenticate') ?? '', /error="insufficient_scope"/);
      assert.deepEqual(denied.body, { error: 'insufficient_scope' });
      const allowed = await api(example.url, '/admin', { token: tessera.adminToken });
      assert.equal(allowed.status, 200, allowed.text);
      assert.equal(typeof allowed.body.admin, 'string');
      assert.ok(allowed.body.keys.length >= 1);
    });

    test('a session logged out at the server is refused within 1 s', async (t) => {
      const other = await tessera.newUser('leaver');
      assert.equal((await api(example.url, '/me', { token: other.token })).status, 200);
      const logout = await api(tessera.url, '/v1/auth/logout', { method: 'POST', token: other.token });
      assert.equal(logout.status, 204, logout.text);
      const elapsed = await waitUntil(
        async () => (await api(example.url, '/me', { token: other.token })).status === 401,
        1000,
      );
      assert.ok(elapsed <= 1000, `refused after ${elapsed} ms`);
      t.diagnostic(`refused ${elapsed} ms after the logout answered`);
      // The other user's session is untouched.
      assert.equal((await api(example.url, '/me', { token: user.token })).status, 200);
    });
  });
}
