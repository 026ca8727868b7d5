// `tessera users set-claims` and `tessera clients create|rotate-secret|disable|delete` as a user
// runs them (the real launcher, a temporary SQLite database), and their effect seen over HTTP by a
// server on the same database: the rotated secret is the one that works, a disabled client is out.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { exportJwk, generateKey } from '@tessera/core';
import { loadConfig, type RunningServer, startServer } from '@tessera/server';
import { oneLineError, tempDir, tessera } from './helpers.js';

const tmp = tempDir('tessera-clients-cli-');
const env = {
  TESSERA_DATABASE_URL: `sqlite:${tmp.path('tessera.db')}`,
  TESSERA_MASTER_KEY: randomBytes(32).toString('base64url'),
  TESSERA_AUDIENCES: 'orders',
};
const run = (args: string[], stdin?: string) =>
  tessera(args, { env, ...(stdin === undefined ? {} : { stdin }) });
const PASSWORD = 'correct horse battery 42';

let server: RunningServer;
before(async () => {
  // created first so migrations run once; the CLI and the server share the database
  server = await startServer(loadConfig({ ...env, TESSERA_PORT: '0', TESSERA_LOG_LEVEL: 'silent' }), {
    cwd: tmp.dir,
  });
});
after(async () => {
  await server.close();
  tmp.remove();
});

function clientToken(id: string, secret: string) {
  return fetch(`${server.url}/v1/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials&audience=orders',
  });
}

describe('tessera users set-claims', () => {
  test('inline JSON and @FILE; reserved names refused (1), bad input is a usage error (2)', async () => {
    assert.equal((await run(['users', 'create', 'ana@example.com'], PASSWORD)).code, 0);
    const inline = await run([
      'users',
      'set-claims',
      'ana@example.com',
      '--claims',
      '{"plan":"pro","team_id":42}',
      '--json',
    ]);
    assert.equal(inline.code, 0, inline.stderr);
    assert.deepEqual(JSON.parse(inline.stdout).user.claims, { plan: 'pro', team_id: 42 });

    const file = tmp.file('claims.json', JSON.stringify({ tenant: 'acme' }));
    const fromFile = await run([
      'users',
      'set-claims',
      'ana@example.com',
      '--claims',
      `@${file}`,
      '--revoke-tokens',
    ]);
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.match(fromFile.stdout, /claims=\{"tenant":"acme"\}/);

    // the server issues them: login carries the claims set by the CLI
    const login = await fetch(`${server.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ana@example.com', password: PASSWORD }),
    });
    const token = ((await login.json()) as { access_token: string }).access_token;
    const payload = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8'));
    assert.equal(payload.tenant, 'acme');

    const reserved = await run(['users', 'set-claims', 'ana@example.com', '--claims', '{"roles":["admin"]}']);
    assert.equal(reserved.code, 1);
    assert.match(oneLineError(reserved.stderr), /"roles" is reserved/);
    const big = await run([
      'users',
      'set-claims',
      'ana@example.com',
      '--claims',
      JSON.stringify({ bio: 'x'.repeat(2000) }),
    ]);
    assert.equal(big.code, 1);
    assert.match(oneLineError(big.stderr), /TESSERA_TOKEN_MAX_BYTES.*"bio"/);
    for (const args of [
      ['--claims', '{plan'],
      ['--claims', '[1,2]'],
      ['--claims', `@${tmp.path('missing.json')}`],
      [],
    ]) {
      const res = await run(['users', 'set-claims', 'ana@example.com', ...args]);
      assert.equal(res.code, 2, args.join(' '));
    }
    assert.equal((await run(['users', 'set-claims', 'nobody@example.com', '--claims', '{}'])).code, 1);
  });
});

describe('tessera clients', () => {
  test('create with grant types, rotate-secret, disable, enable, delete', async () => {
    const created = await run([
      'clients',
      'create',
      'gateway',
      '--audiences',
      'orders',
      '--scopes',
      'orders:read',
      '--grant-types',
      'client_credentials,urn:ietf:params:oauth:grant-type:token-exchange',
      '--json',
    ]);
    assert.equal(created.code, 0, created.stderr);
    const c = JSON.parse(created.stdout);
    assert.deepEqual(c.grant_types, [
      'client_credentials',
      'urn:ietf:params:oauth:grant-type:token-exchange',
    ]);
    assert.equal((await clientToken(c.client_id, c.client_secret)).status, 200);

    const rotated = await run(['clients', 'rotate-secret', c.client_id, '--json']);
    assert.equal(rotated.code, 0, rotated.stderr);
    const secret = JSON.parse(rotated.stdout).client_secret as string;
    assert.match(secret, /^tcs_/);
    assert.notEqual(secret, c.client_secret);
    assert.equal((await clientToken(c.client_id, c.client_secret)).status, 401, 'the old secret is dead');
    assert.equal((await clientToken(c.client_id, secret)).status, 200);

    const disabled = await run(['clients', 'disable', c.client_id, '--json']);
    assert.equal(disabled.code, 0, disabled.stderr);
    assert.equal(JSON.parse(disabled.stdout).disabled, true);
    assert.equal((await clientToken(c.client_id, secret)).status, 401);
    assert.equal((await run(['clients', 'disable', c.client_id, '--enable'])).code, 0);
    assert.equal((await clientToken(c.client_id, secret)).status, 200);

    const deleted = await run(['clients', 'delete', c.client_id]);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, /deleted/);
    assert.equal((await clientToken(c.client_id, secret)).status, 401);
    const again = await run(['clients', 'delete', c.client_id]);
    assert.equal(again.code, 1);
    assert.match(oneLineError(again.stderr), /no such client/);
  });

  test('private_key_jwt clients get no secret and cannot rotate one; bad options exit 2', async () => {
    const jwks = tmp.file(
      'jwks.json',
      JSON.stringify({ keys: [exportJwk(generateKey('ES256', { kid: 'k1' }))] }),
    );
    const created = await run([
      'clients',
      'create',
      'signer',
      '--auth-method',
      'private_key_jwt',
      '--jwks',
      jwks,
      '--audiences',
      'orders',
      '--json',
    ]);
    assert.equal(created.code, 0, created.stderr);
    const c = JSON.parse(created.stdout);
    assert.equal(c.client_secret, undefined);
    assert.equal(c.token_endpoint_auth_method, 'private_key_jwt');
    assert.equal((await run(['clients', 'rotate-secret', c.client_id])).code, 1);
    for (const args of [
      ['x', '--grant-types', 'password'],
      ['x', '--auth-method', 'none'],
      ['x', '--jwks', tmp.path('missing.json')],
      ['x', '--jwks-uri', 'not a url', '--auth-method', 'private_key_jwt'],
    ]) {
      const res = await run(['clients', 'create', ...args]);
      assert.equal(res.code, 2, args.join(' '));
    }
    assert.equal((await run(['clients', 'rotate-secret'])).code, 2);
    assert.equal((await run(['clients', 'disable'])).code, 2);
  });
});
