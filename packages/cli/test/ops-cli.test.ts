// The operations commands as a user runs them: the real `tessera` launcher as a child process
// against a temporary SQLite database.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { oneLineError, tempDir, tessera } from './helpers.js';

const tmp = tempDir('tessera-ops-cli-');
after(() => tmp.remove());
const env = {
  TESSERA_DATABASE_URL: `sqlite:${tmp.path('tessera.db')}`,
  TESSERA_MASTER_KEY: randomBytes(32).toString('base64url'),
};
const PASSWORD = 'correct horse battery 42';
const run = (args: string[], stdin?: string) =>
  tessera(args, { env, ...(stdin === undefined ? {} : { stdin }) });

describe('tessera users', () => {
  test('create (password on stdin), list, set-roles, disable', async () => {
    const admin = await run(
      ['users', 'create', 'Admin@Example.com', '--roles', 'admin,user', '--json'],
      `${PASSWORD}\n`,
    );
    assert.equal(admin.code, 0, admin.stderr);
    const adminUser = JSON.parse(admin.stdout).user;
    assert.equal(adminUser.email, 'admin@example.com');
    assert.deepEqual(adminUser.roles, ['admin', 'user']);
    const bob = await run(['users', 'create', 'bob@example.com'], PASSWORD);
    assert.equal(bob.code, 0);
    assert.match(bob.stdout, /^u_\S+ {2}bob@example\.com {2}roles=user\n$/);

    const list = await run(['users', 'list', '--json']);
    const users = JSON.parse(list.stdout).users;
    assert.deepEqual(users.map((u: { email: string }) => u.email).sort(), [
      'admin@example.com',
      'bob@example.com',
    ]);
    assert.ok(!list.stdout.includes('argon2'), 'no password hashes');

    const roles = await run(['users', 'set-roles', 'bob@example.com', 'user,editor', '--json']);
    assert.equal(roles.code, 0, roles.stderr);
    assert.deepEqual(JSON.parse(roles.stdout).user.roles, ['user', 'editor']);
    const off = await run(['users', 'disable', 'bob@example.com']);
    assert.equal(off.code, 0);
    assert.match(off.stdout, /DISABLED/);
    const on = await run(['users', 'disable', 'bob@example.com', '--enable', '--json']);
    assert.equal(JSON.parse(on.stdout).user.disabled, false);
  });

  test('refusals exit 1, usage errors exit 2, one line each', async () => {
    const weak = await run(['users', 'create', 'weak@example.com'], 'password');
    assert.equal(weak.code, 1);
    oneLineError(weak.stderr);
    const taken = await run(['users', 'create', 'bob@example.com'], PASSWORD);
    assert.equal(taken.code, 1);
    const last = await run(['users', 'set-roles', 'admin@example.com', 'user']);
    assert.equal(last.code, 1);
    assert.match(oneLineError(last.stderr), /last admin/);
    assert.equal((await run(['users', 'disable', 'nobody@example.com'])).code, 1);
    assert.equal((await run(['users', 'create'], PASSWORD)).code, 2);
    assert.equal((await run(['users', 'create', 'x@example.com'], '')).code, 2);
    assert.equal((await run(['users', 'set-roles', 'bob@example.com'])).code, 2);
    assert.equal(
      (await run(['users', 'create', 'r@example.com', '--roles', 'Super User'], PASSWORD)).code,
      2,
    );
    assert.equal((await run(['users', 'list', '--limit', 'lots'])).code, 2);
    const badConfig = await tessera(['users', 'list'], {
      env: { ...env, TESSERA_DATABASE_URL: 'mysql://x' },
    });
    assert.equal(badConfig.code, 2);
    oneLineError(badConfig.stderr);
  });
});

describe('tessera keys list|rotate|export', () => {
  test('rotate makes a new active key; export prints only public keys', async () => {
    const before = JSON.parse((await run(['keys', 'list', '--json'])).stdout).keys;
    const active = before.find((k: { state: string }) => k.state === 'active');
    assert.ok(active);
    const rotated = await run(['keys', 'rotate', '--json']);
    assert.equal(rotated.code, 0, rotated.stderr);
    const { kid, previous } = JSON.parse(rotated.stdout);
    assert.equal(previous, active.kid);
    const after = JSON.parse((await run(['keys', 'list', '--json'])).stdout).keys;
    const states = Object.fromEntries(after.map((k: { kid: string; state: string }) => [k.kid, k.state]));
    assert.equal(states[kid], 'active');
    assert.equal(states[active.kid], 'retiring');
    const text = await run(['keys', 'list']);
    assert.match(text.stdout, new RegExp(`${kid}\\s+ES256\\s+active`));
    const exported = await run(['keys', 'export']);
    const jwks = JSON.parse(exported.stdout);
    assert.deepEqual(jwks.keys.map((k: { kid: string }) => k.kid).sort(), [kid, active.kid].sort());
    for (const k of jwks.keys) assert.equal(k.d, undefined);
    assert.equal((await run(['keys', 'list', 'extra'])).code, 2);
  });

  test('HS algorithms do not rotate: a usage error', async () => {
    const hs = await tessera(['keys', 'rotate'], {
      env: { ...env, TESSERA_ALG: 'HS256', TESSERA_HS_SECRET: randomBytes(32).toString('base64url') },
    });
    assert.equal(hs.code, 2);
    assert.match(oneLineError(hs.stderr), /TESSERA_HS_SECRET/);
  });
});

describe('tessera clients', () => {
  test('create shows the secret once; list never shows it', async () => {
    const created = await run([
      'clients',
      'create',
      'orders',
      '--scopes',
      'revocations:read,introspect',
      '--audiences',
      'orders-api',
      '--json',
    ]);
    assert.equal(created.code, 0, created.stderr);
    const c = JSON.parse(created.stdout);
    assert.match(c.client_id, /^c_/);
    assert.match(c.client_secret, /^tcs_/);
    assert.deepEqual(c.scopes, ['revocations:read', 'introspect']);
    const list = await run(['clients', 'list', '--json']);
    const listed = JSON.parse(list.stdout).clients;
    assert.equal(listed.length, 1);
    assert.equal(listed[0].client_id, c.client_id);
    assert.ok(!list.stdout.includes(c.client_secret));
    assert.equal((await run(['clients', 'create', 'x', '--scopes', 'bad"scope'])).code, 2);
    assert.equal((await run(['clients', 'create'])).code, 2);
  });
});
