// Real HTTP over a temporary SQLite file: application claims set by an admin reach tokens at the
// next refresh (at once with revoke_tokens), reserved and oversize claims are refused naming them,
// the claims hook fails closed (throws, hangs, reserved names, too large: 503, no token, logged),
// a bad hook refuses to start, and RFC 8707 `resource` picks each token's audience.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createVerifier, decodeToken, importJwks } from '@tessera/core';
import { loadConfig } from '../src/config/load.js';
import { startServer } from '../src/server.js';
import { adminToken, createUser, form, login, startOpsServer } from './ops-support.js';
import { request, TEST_ISSUER, type TestServer } from './support/server-harness.js';

const claimsOf = (token: string) => decodeToken(token).payload as Record<string, unknown>;

describe('application claims set by an admin', () => {
  let s: TestServer;
  let admin: string;
  before(async () => {
    s = await startOpsServer();
    admin = await adminToken(s.url);
  });
  after(() => s.stop(true));

  test('appear after the next refresh and not before; shown by GET /v1/admin/users/:id', async () => {
    const u = await createUser(s.url, admin);
    const patch = await request(s.url, 'PATCH', `/v1/admin/users/${u.id}`, {
      token: admin,
      body: { claims: { plan: 'pro', team_id: 42, perms: ['orders:delete'] } },
    });
    assert.equal(patch.status, 200, patch.text);
    assert.deepEqual(patch.body.user.claims, { plan: 'pro', team_id: 42, perms: ['orders:delete'] });
    // the live token is unchanged and still valid
    assert.equal(claimsOf(u.accessToken).plan, undefined);
    const me = await request(s.url, 'GET', '/v1/me', { token: u.accessToken });
    assert.equal(me.status, 200);
    assert.equal(me.body.plan, undefined);
    const refreshed = await request(s.url, 'POST', '/v1/auth/refresh', {
      body: { refresh_token: u.refreshToken },
    });
    assert.equal(refreshed.status, 200, refreshed.text);
    const claims = claimsOf(refreshed.body.access_token);
    assert.equal(claims.plan, 'pro');
    assert.equal(claims.team_id, 42);
    assert.deepEqual(claims.perms, ['orders:delete']);
    assert.equal(claims.sub, u.id);
    const shown = await request(s.url, 'GET', `/v1/admin/users/${u.id}`, { token: admin });
    assert.equal(shown.status, 200);
    assert.deepEqual(shown.body.user.claims, { plan: 'pro', team_id: 42, perms: ['orders:delete'] });
    assert.equal((await request(s.url, 'GET', '/v1/admin/users/u_nobody', { token: admin })).status, 404);
  });

  test('revoke_tokens cuts the live tokens at once; the refresh carries the new claims', async () => {
    const u = await createUser(s.url, admin);
    const patch = await request(s.url, 'PATCH', `/v1/admin/users/${u.id}`, {
      token: admin,
      body: { claims: { plan: 'free' }, revoke_tokens: true },
    });
    assert.equal(patch.status, 200, patch.text);
    assert.equal((await request(s.url, 'GET', '/v1/me', { token: u.accessToken })).status, 401);
    // a second later (iat granularity), the refreshed token passes and carries the claims
    await new Promise((r) => setTimeout(r, 1100));
    const refreshed = await request(s.url, 'POST', '/v1/auth/refresh', {
      body: { refresh_token: u.refreshToken },
    });
    assert.equal(refreshed.status, 200);
    assert.equal(claimsOf(refreshed.body.access_token).plan, 'free');
    assert.equal(
      (await request(s.url, 'GET', '/v1/me', { token: refreshed.body.access_token })).body.plan,
      'free',
    );
  });

  test('POST /v1/admin/users takes claims; the first login carries them', async () => {
    const email = `claims.${Date.now()}@example.com`;
    const res = await request(s.url, 'POST', '/v1/admin/users', {
      token: admin,
      body: { email, password: 'correct horse battery 42', claims: { tenant: 'acme' } },
    });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body.user.claims, { tenant: 'acme' });
    assert.equal(claimsOf((await login(s.url, email)).accessToken).tenant, 'acme');
  });

  test('reserved names and oversize claims are refused with a message naming them; nothing is stored', async () => {
    const u = await createUser(s.url, admin);
    for (const name of ['roles', 'sub', 'aud', 'scope', 'act', 'client_id', 'exp', 'typ']) {
      const res = await request(s.url, 'PATCH', `/v1/admin/users/${u.id}`, {
        token: admin,
        body: { claims: { plan: 'pro', [name]: ['admin'] } },
      });
      assert.equal(res.status, 400, name);
      assert.equal(res.body.error, 'invalid_request');
      assert.match(res.body.error_description, new RegExp(`"${name}" is reserved`));
    }
    const big = await request(s.url, 'PATCH', `/v1/admin/users/${u.id}`, {
      token: admin,
      body: { claims: { plan: 'pro', notes: 'x'.repeat(900) } },
    });
    assert.equal(big.status, 400);
    assert.match(big.body.error_description, /TESSERA_TOKEN_MAX_BYTES \(1024\)/);
    assert.match(big.body.error_description, /"notes"/);
    const notObject = await request(s.url, 'PATCH', `/v1/admin/users/${u.id}`, {
      token: admin,
      body: { claims: ['plan'] },
    });
    assert.equal(notObject.status, 400);
    const create = await request(s.url, 'POST', '/v1/admin/users', {
      token: admin,
      body: {
        email: `r.${Date.now()}@example.com`,
        password: 'correct horse battery 42',
        claims: { sid: 'x' },
      },
    });
    assert.equal(create.status, 400);
    assert.match(create.body.error_description, /"sid" is reserved/);
    const shown = await request(s.url, 'GET', `/v1/admin/users/${u.id}`, { token: admin });
    assert.deepEqual(shown.body.user.claims, {});
  });
});

describe('the claims hook', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-hook-'));
  const modeFile = join(dir, 'mode');
  const setMode = (mode: string) => writeFileSync(modeFile, mode);
  let s: TestServer;
  let admin: string;
  before(async () => {
    setMode('ok');
    const hook = join(dir, 'claims.mjs');
    writeFileSync(
      hook,
      `import { readFileSync } from 'node:fs';
export default async function claims({ user, session, client, audience, scope }) {
  const mode = readFileSync(${JSON.stringify(modeFile)}, 'utf8');
  if (mode === 'throw') throw new Error('billing database down');
  if (mode === 'hang') return new Promise(() => {});
  if (mode === 'reserved') return { roles: ['admin'] };
  if (mode === 'big') return { blob: 'y'.repeat(2000) };
  return { tenant: 'acme', seen_audience: audience, seen_session: session !== null, plan_from_user: user.claims.plan ?? null };
}
`,
    );
    s = await startOpsServer({
      TESSERA_CLAIMS_MODULE: hook,
      TESSERA_CLAIMS_TIMEOUT_MS: '150',
      TESSERA_AUDIENCES: 'orders',
      TESSERA_LOG_LEVEL: 'error',
    });
    admin = await adminToken(s.url);
  });
  after(async () => {
    await s.stop(true);
    rmSync(dir, { recursive: true, force: true });
  });

  test('adds computed claims beside the user claims; it sees the audience', async () => {
    const u = await createUser(s.url, admin);
    await request(s.url, 'PATCH', `/v1/admin/users/${u.id}`, {
      token: admin,
      body: { claims: { plan: 'pro' } },
    });
    const res = await request(s.url, 'POST', '/v1/auth/refresh', {
      body: { refresh_token: u.refreshToken, resource: 'orders' },
    });
    assert.equal(res.status, 200, res.text);
    const claims = claimsOf(res.body.access_token);
    assert.equal(claims.tenant, 'acme');
    assert.equal(claims.seen_audience, 'orders');
    assert.equal(claims.seen_session, true);
    assert.equal(claims.plan_from_user, 'pro');
    assert.equal(claims.plan, 'pro');
  });

  for (const [mode, logged] of [
    ['throw', /claims hook threw: billing database down/],
    ['hang', /did not answer within 150 ms/],
    ['reserved', /claim \\"roles\\" is reserved/],
    ['big', /over TESSERA_TOKEN_MAX_BYTES/],
  ] as const) {
    test(`a hook that fails (${mode}) gives no token, a 503 and a logged error; the refresh token survives`, async () => {
      const u = await createUser(s.url, admin);
      setMode(mode);
      try {
        const loginRes = await request(s.url, 'POST', '/v1/auth/login', {
          body: { email: u.email, password: 'correct horse battery 42', refresh_token_in_body: true },
        });
        assert.equal(loginRes.status, 503, loginRes.text);
        assert.equal(loginRes.body.error, 'temporarily_unavailable');
        assert.equal(loginRes.body.access_token, undefined);
        assert.equal(loginRes.body.refresh_token, undefined);
        assert.ok(!loginRes.text.includes('billing database down'), 'the cause stays in the logs');
        const refresh = await request(s.url, 'POST', '/v1/auth/refresh', {
          body: { refresh_token: u.refreshToken },
        });
        assert.equal(refresh.status, 503);
        assert.equal(refresh.body.access_token, undefined);
        assert.match(s.logs(), logged);
      } finally {
        setMode('ok');
      }
      // nothing was spent: the same refresh token works once the hook is healthy again
      const again = await request(s.url, 'POST', '/v1/auth/refresh', {
        body: { refresh_token: u.refreshToken },
      });
      assert.equal(again.status, 200, again.text);
      assert.equal(claimsOf(again.body.access_token).tenant, 'acme');
    });
  }
});

describe('a bad claims module refuses to start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-hook-bad-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const start = (module: string) =>
    startServer(
      loadConfig({
        TESSERA_PORT: '0',
        TESSERA_DATABASE_URL: `sqlite:${join(dir, 'tessera.db')}`,
        TESSERA_LOG_LEVEL: 'silent',
        TESSERA_CLAIMS_MODULE: module,
      }),
      { cwd: dir },
    );

  test('a missing module', async () => {
    await assert.rejects(start(join(dir, 'missing.mjs')), (err: Error) => {
      assert.equal(err.name, 'ConfigError');
      assert.match(err.message, /^TESSERA_CLAIMS_MODULE: cannot load/);
      return true;
    });
  });

  test('a module without a default function', async () => {
    writeFileSync(join(dir, 'named.mjs'), 'export const claims = () => ({});\n');
    await assert.rejects(
      start(join(dir, 'named.mjs')),
      /TESSERA_CLAIMS_MODULE: .*must have a default export/,
    );
  });
});

describe('per-API audiences (RFC 8707 resource)', () => {
  let s: TestServer;
  let admin: string;
  let jwks: ReturnType<typeof importJwks>;
  before(async () => {
    s = await startOpsServer({ TESSERA_AUDIENCES: 'orders, billing' });
    admin = await adminToken(s.url);
    jwks = importJwks((await request(s.url, 'GET', '/.well-known/jwks.json')).body, {
      algorithms: ['ES256'],
    });
  });
  after(() => s.stop(true));
  const verifierFor = (audience: string) =>
    createVerifier({ keys: jwks, algorithms: ['ES256'], issuer: TEST_ISSUER, audience });

  test('a token for audience A is refused by a verifier for audience B', async () => {
    const u = await createUser(s.url, admin);
    const res = await request(s.url, 'POST', '/v1/auth/login', {
      body: { email: u.email, password: 'correct horse battery 42', resource: 'orders' },
    });
    assert.equal(res.status, 200, res.text);
    const token = res.body.access_token;
    assert.equal(claimsOf(token).aud, 'orders');
    assert.equal(verifierFor('orders')(token).payload.sub, u.id);
    assert.throws(() => verifierFor('billing')(token), { code: 'ERR_JWT_CLAIM_INVALID' });
    assert.throws(() => verifierFor('tessera')(token), { code: 'ERR_JWT_CLAIM_INVALID' });
    // nor does the auth server's own API take it
    assert.equal((await request(s.url, 'GET', '/v1/me', { token })).status, 401);
  });

  test('several resources: aud is exactly that list; without resource: TESSERA_AUDIENCE', async () => {
    const u = await createUser(s.url, admin);
    assert.equal(claimsOf(u.accessToken).aud, 'tessera');
    const both = await request(s.url, 'POST', '/v1/auth/refresh', {
      body: { refresh_token: u.refreshToken, resource: ['orders', 'billing'] },
    });
    assert.equal(both.status, 200, both.text);
    assert.deepEqual(claimsOf(both.body.access_token).aud, ['orders', 'billing']);
  });

  test('form-encoded refresh grant with a repeated resource', async () => {
    const u = await createUser(s.url, admin);
    const body = new URLSearchParams([
      ['grant_type', 'refresh_token'],
      ['refresh_token', u.refreshToken],
      ['resource', 'billing'],
      ['resource', 'orders'],
    ]).toString();
    const res = await request(s.url, 'POST', '/v1/oauth/token', {
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(claimsOf(res.body.access_token).aud, ['billing', 'orders']);
  });

  test('a resource outside TESSERA_AUDIENCES is invalid_target; a malformed one invalid_request', async () => {
    const u = await createUser(s.url, admin);
    const loginRes = await request(s.url, 'POST', '/v1/auth/login', {
      body: { email: u.email, password: 'correct horse battery 42', resource: 'payroll' },
    });
    assert.equal(loginRes.status, 400);
    assert.equal(loginRes.body.error, 'invalid_target');
    assert.match(loginRes.body.error_description, /payroll/);
    const refresh = await request(s.url, 'POST', '/v1/auth/refresh', {
      body: { refresh_token: u.refreshToken, resource: ['orders', 'payroll'] },
    });
    assert.equal(refresh.status, 400);
    assert.equal(refresh.body.error, 'invalid_target');
    const viaForm = await form(s.url, '/v1/oauth/token', {
      grant_type: 'refresh_token',
      refresh_token: u.refreshToken,
      resource: 'payroll',
    });
    assert.equal(viaForm.status, 400);
    assert.equal(viaForm.body.error, 'invalid_target');
    for (const resource of [42, [], [''], { a: 1 }]) {
      const bad = await request(s.url, 'POST', '/v1/auth/login', {
        body: { email: u.email, password: 'correct horse battery 42', resource },
      });
      assert.equal(bad.status, 400, JSON.stringify(resource));
      assert.equal(bad.body.error, 'invalid_request');
    }
    // the refused refreshes spent nothing
    const ok = await request(s.url, 'POST', '/v1/auth/refresh', { body: { refresh_token: u.refreshToken } });
    assert.equal(ok.status, 200);
  });
});
