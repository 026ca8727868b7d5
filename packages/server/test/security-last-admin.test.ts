// Attacker's side (issue 9 hole 8): the last-admin guard must count ENABLED admins only. With a
// disabled admin still "counting", the last enabled admin (or a stolen token of it) could demote,
// disable or erase itself and leave nobody able to administer the server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { adminToken, createUser, startOpsServer } from './ops-support.js';
import { request, type TestServer } from './support/server-harness.js';

describe('last-admin guard', { timeout: 60_000 }, () => {
  let s: TestServer;
  let admin: string;
  let me: string;
  before(async () => {
    s = await startOpsServer();
    admin = await adminToken(s.url);
    me = (await request(s.url, 'GET', '/v1/me', { token: admin })).body.sub as string;
    // A second admin exists, but disabled: it must not count.
    const other = await createUser(s.url, admin, ['admin']);
    const disable = await request(s.url, 'PATCH', `/v1/admin/users/${other.id}`, {
      token: admin,
      body: { disabled: true },
    });
    assert.equal(disable.status, 200, disable.text);
  });
  after(() => s.stop(true));

  test('the last enabled admin cannot demote itself', async () => {
    const demote = await request(s.url, 'PATCH', `/v1/admin/users/${me}`, {
      token: admin,
      body: { roles: ['user'] },
    });
    assert.equal(demote.status, 400, demote.text);
    assert.match(demote.body.error_description, /last admin/);
  });

  test('the last enabled admin cannot disable itself', async () => {
    const selfDisable = await request(s.url, 'PATCH', `/v1/admin/users/${me}`, {
      token: admin,
      body: { disabled: true },
    });
    assert.equal(selfDisable.status, 400, selfDisable.text);
    assert.match(selfDisable.body.error_description, /last admin/);
  });

  test('the last enabled admin cannot be erased', async () => {
    const erase = await request(s.url, 'DELETE', `/v1/admin/users/${me}`, { token: admin });
    assert.equal(erase.status, 400, erase.text);
    assert.match(erase.body.error_description, /last admin/);
  });

  test('it is still an admin afterwards', async () => {
    const user = await s.server.ctx.stores.users.findById(me);
    assert.deepEqual([user?.roles.includes('admin'), user?.disabled], [true, false]);
    assert.equal((await request(s.url, 'GET', '/v1/admin/users', { token: admin })).status, 200);
  });
});
