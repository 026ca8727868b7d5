// Attacker's side: someone registers the address the operator later names as the bootstrap admin.
// Start-up must refuse (naming the variable) and must not hand the attacker's account the admin role.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../src/config/config.js';
import { GOOD_PASSWORD, request, startTestServer } from './support/server-harness.js';

test('bootstrap admin never promotes an account it did not create', async () => {
  const email = 'root@example.com';
  const attackerPassword = 'attacker chose this passphrase 7';
  const first = await startTestServer();
  const reg = await request(first.url, 'POST', '/v1/auth/register', {
    body: { email, password: attackerPassword },
  });
  assert.equal(reg.status, 201);
  await first.stop();

  await assert.rejects(
    startTestServer({
      dir: first.dir,
      env: {
        TESSERA_BOOTSTRAP_ADMIN_EMAIL: 'Root@Example.com',
        TESSERA_BOOTSTRAP_ADMIN_PASSWORD: GOOD_PASSWORD,
      },
    }),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.variable === 'TESSERA_BOOTSTRAP_ADMIN_EMAIL' &&
      /already exists/.test(err.message) &&
      !err.message.includes(attackerPassword),
  );

  const after = await startTestServer({ dir: first.dir });
  try {
    const login = await request(after.url, 'POST', '/v1/auth/login', {
      body: { email, password: attackerPassword },
    });
    assert.equal(login.status, 200);
    const me = await request(after.url, 'GET', '/v1/me', { token: login.body.access_token });
    assert.ok(!me.body.roles.includes('admin'), `roles stayed ${JSON.stringify(me.body.roles)}`);
    assert.equal(await after.server.ctx.stores.users.countWithRole('admin'), 0);
  } finally {
    await after.stop(true);
  }
});
