// Real HTTP: the admin API as admin, as a plain user (403) and anonymous (401); disabling a user
// and changing roles cut their live tokens; emergency key rotation; audit queries; OAuth clients.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeToken } from '@tessera/core';
import { adminToken, createOAuthClient, createUser, startOpsServer } from './ops-support.js';
import { GOOD_PASSWORD, request, type TestServer, uniqueEmail } from './support/server-harness.js';

describe('admin API', () => {
  let s: TestServer;
  let admin: string;
  before(async () => {
    s = await startOpsServer();
    admin = await adminToken(s.url);
  });
  after(() => s.stop(true));

  test('every admin route: 401 anonymous, 403 insufficient_scope for a user', async () => {
    const user = await createUser(s.url, admin);
    const routes: Array<[string, string, unknown?]> = [
      ['GET', '/v1/admin/users'],
      ['POST', '/v1/admin/users', { email: uniqueEmail(), password: GOOD_PASSWORD }],
      ['PATCH', `/v1/admin/users/${user.id}`, { roles: ['admin'] }],
      ['GET', '/v1/admin/keys'],
      ['POST', '/v1/admin/keys/rotate'],
      ['GET', '/v1/admin/audit'],
      ['GET', '/v1/admin/clients'],
      ['POST', '/v1/admin/clients', { name: 'x' }],
    ];
    for (const [method, path, body] of routes) {
      const anon = await request(s.url, method, path, body === undefined ? {} : { body });
      assert.equal(anon.status, 401, `${method} ${path} anonymous`);
      assert.equal(anon.headers.get('www-authenticate'), 'Bearer');
      const asUser = await request(s.url, method, path, {
        token: user.accessToken,
        ...(body ? { body } : {}),
      });
      assert.equal(asUser.status, 403, `${method} ${path} as user`);
      assert.equal(asUser.body.error, 'insufficient_scope');
    }
    // nothing changed
    const keys = await request(s.url, 'GET', '/v1/admin/keys', { token: admin });
    assert.equal(keys.body.keys.filter((k: { state: string }) => k.state === 'active').length, 1);
    assert.equal(keys.body.keys.length, 1);
  });

  test('users: create, list, validation', async () => {
    const email = uniqueEmail('created');
    const created = await request(s.url, 'POST', '/v1/admin/users', {
      token: admin,
      body: { email, password: GOOD_PASSWORD, roles: ['user', 'support'] },
    });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.user.roles, ['user', 'support']);
    assert.equal(created.body.user.email, email);
    const dup = await request(s.url, 'POST', '/v1/admin/users', {
      token: admin,
      body: { email, password: GOOD_PASSWORD },
    });
    assert.equal(dup.status, 409);
    const badRole = await request(s.url, 'POST', '/v1/admin/users', {
      token: admin,
      body: { email: uniqueEmail(), password: GOOD_PASSWORD, roles: ['Not A Role'] },
    });
    assert.equal(badRole.status, 400);
    assert.match(badRole.body.error_description, /roles/);
    const list = await request(s.url, 'GET', '/v1/admin/users?limit=500', { token: admin });
    assert.equal(list.status, 200);
    const found = list.body.users.find((u: { email: string }) => u.email === email);
    assert.ok(found);
    assert.equal(found.password_hash, undefined);
    assert.equal(found.passwordHash, undefined);
    assert.equal((await request(s.url, 'GET', '/v1/admin/users?limit=0', { token: admin })).status, 400);
    assert.equal(
      (await request(s.url, 'PATCH', '/v1/admin/users/u_nobody', { token: admin, body: { disabled: true } }))
        .status,
      404,
    );
    assert.equal(
      (await request(s.url, 'PATCH', `/v1/admin/users/${found.id}`, { token: admin, body: {} })).status,
      400,
    );
  });

  test('disabling a user revokes their tokens and sessions; the user cannot log in', async () => {
    const user = await createUser(s.url, admin);
    assert.equal((await request(s.url, 'GET', '/v1/me', { token: user.accessToken })).status, 200);
    const patch = await request(s.url, 'PATCH', `/v1/admin/users/${user.id}`, {
      token: admin,
      body: { disabled: true },
    });
    assert.equal(patch.status, 200);
    assert.equal(patch.body.user.disabled, true);
    const me = await request(s.url, 'GET', '/v1/me', { token: user.accessToken });
    assert.equal(me.status, 401);
    const refreshed = await request(s.url, 'POST', '/v1/auth/refresh', {
      body: { refresh_token: user.refreshToken },
    });
    assert.equal(refreshed.status, 401);
    const login = await request(s.url, 'POST', '/v1/auth/login', {
      body: { email: user.email, password: GOOD_PASSWORD },
    });
    assert.notEqual(login.status, 200);
    const audit = await request(s.url, 'GET', `/v1/admin/audit?event=user_changed&sub=${user.id}`, {
      token: admin,
    });
    assert.equal(audit.body.events.length, 1);
    assert.equal(audit.body.events[0].details.disabled, true);
    assert.equal(audit.body.events[0].actor, decodeToken(admin).payload.sub);
  });

  test('changing roles cuts old tokens; a refresh brings the new roles', async () => {
    const user = await createUser(s.url, admin);
    const patch = await request(s.url, 'PATCH', `/v1/admin/users/${user.id}`, {
      token: admin,
      body: { roles: ['user', 'editor'] },
    });
    assert.equal(patch.status, 200);
    assert.deepEqual(patch.body.user.roles, ['user', 'editor']);
    assert.equal((await request(s.url, 'GET', '/v1/me', { token: user.accessToken })).status, 401);
    // the cut-off is one second past the change: wait it out, then refresh
    await new Promise((r) => setTimeout(r, 1100));
    const refreshed = await request(s.url, 'POST', '/v1/auth/refresh', {
      body: { refresh_token: user.refreshToken },
    });
    assert.equal(refreshed.status, 200, refreshed.text);
    assert.deepEqual(decodeToken(refreshed.body.access_token).payload.roles, ['user', 'editor']);
    assert.equal((await request(s.url, 'GET', '/v1/me', { token: refreshed.body.access_token })).status, 200);
  });

  test('the last admin cannot be demoted or disabled', async () => {
    const sub = decodeToken(admin).payload.sub as string;
    const demote = await request(s.url, 'PATCH', `/v1/admin/users/${sub}`, {
      token: admin,
      body: { roles: ['user'] },
    });
    assert.equal(demote.status, 400);
    assert.match(demote.body.error_description, /last admin/);
    const disable = await request(s.url, 'PATCH', `/v1/admin/users/${sub}`, {
      token: admin,
      body: { disabled: true },
    });
    assert.equal(disable.status, 400);
  });

  test('audit query: filters, limit, since, paging and validation', async () => {
    const all = await request(s.url, 'GET', '/v1/admin/audit?limit=500', { token: admin });
    assert.equal(all.status, 200);
    assert.ok(all.body.events.length > 3);
    const events = all.body.events.map((e: { event: string }) => e.event);
    assert.ok(events.includes('login_succeeded'));
    assert.ok(events.includes('user_created'));
    const logins = await request(s.url, 'GET', '/v1/admin/audit?event=login_succeeded&limit=2', {
      token: admin,
    });
    assert.equal(logins.body.events.length, 2);
    assert.ok(logins.body.events.every((e: { event: string }) => e.event === 'login_succeeded'));
    assert.ok(logins.body.next_before);
    const page2 = await request(
      s.url,
      'GET',
      `/v1/admin/audit?event=login_succeeded&limit=2&before=${logins.body.next_before}`,
      {
        token: admin,
      },
    );
    assert.ok(page2.body.events.every((e: { id: number }) => e.id < logins.body.next_before));
    const future = new Date(Date.now() + 3600_000).toISOString();
    const none = await request(s.url, 'GET', `/v1/admin/audit?since=${encodeURIComponent(future)}`, {
      token: admin,
    });
    assert.deepEqual(none.body.events, []);
    assert.equal((await request(s.url, 'GET', '/v1/admin/audit?event=nope', { token: admin })).status, 400);
    assert.equal(
      (await request(s.url, 'GET', '/v1/admin/audit?since=yesterday', { token: admin })).status,
      400,
    );
    assert.equal((await request(s.url, 'GET', '/v1/admin/audit?limit=100000', { token: admin })).status, 400);
  });

  test('emergency rotation: the new key signs at once, the old one stays published as retiring', async () => {
    const before = await request(s.url, 'GET', '/v1/admin/keys', { token: admin });
    const oldKid = before.body.active_kid;
    const oldToken = await adminToken(s.url);
    assert.equal(decodeToken(oldToken).header.kid, oldKid);
    const rotated = await request(s.url, 'POST', '/v1/admin/keys/rotate', { token: admin });
    assert.equal(rotated.status, 200);
    assert.equal(rotated.body.previous, oldKid);
    assert.notEqual(rotated.body.kid, oldKid);
    const fresh = await adminToken(s.url);
    assert.equal(decodeToken(fresh).header.kid, rotated.body.kid);
    assert.equal(
      (await request(s.url, 'GET', '/v1/me', { token: oldToken })).status,
      200,
      'old tokens still verify',
    );
    const jwks = await request(s.url, 'GET', '/.well-known/jwks.json');
    const kids = jwks.body.keys.map((k: { kid: string }) => k.kid);
    assert.ok(kids.includes(oldKid) && kids.includes(rotated.body.kid));
    const after = await request(s.url, 'GET', '/v1/admin/keys', { token: admin });
    const states = Object.fromEntries(
      after.body.keys.map((k: { kid: string; state: string }) => [k.kid, k.state]),
    );
    assert.equal(states[oldKid], 'retiring');
    assert.equal(states[rotated.body.kid], 'active');
    assert.ok(after.body.rotation.jwks_max_age <= after.body.rotation.publish_ahead);
    for (const k of after.body.keys)
      assert.equal(
        Object.keys(k).some((n) => /private|enc/.test(n)),
        false,
      );
    const audit = await request(s.url, 'GET', '/v1/admin/audit?event=key_rotated', { token: admin });
    assert.equal(audit.body.events[0].details.kid, rotated.body.kid);
  });

  test('OAuth clients: the secret is shown once, listed without it', async () => {
    const c = await createOAuthClient(s.url, admin, ['introspect'], ['api.example.com']);
    assert.match(c.id, /^c_/);
    assert.match(c.secret, /^tcs_[A-Za-z0-9_-]{43}$/);
    const list = await request(s.url, 'GET', '/v1/admin/clients', { token: admin });
    const listed = list.body.clients.find((x: { client_id: string }) => x.client_id === c.id);
    assert.deepEqual(listed.scopes, ['introspect']);
    assert.ok(!list.text.includes(c.secret));
    assert.ok(!list.text.includes('sha256'));
    const bad = await request(s.url, 'POST', '/v1/admin/clients', {
      token: admin,
      body: { name: 'x', scopes: ['not a scope'] },
    });
    assert.equal(bad.status, 400);
    const disabled = await request(s.url, 'PATCH', `/v1/admin/clients/${c.id}`, {
      token: admin,
      body: { disabled: true },
    });
    assert.equal(disabled.status, 200);
    assert.equal(disabled.body.disabled, true);
  });
});
