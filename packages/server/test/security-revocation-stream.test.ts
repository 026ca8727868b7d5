// Attacker's side (issue 9 hole 5): a revocation stream must not outlive the credential that opened
// it. An admin token that expires, an admin who is demoted, a client that is disabled or whose secret
// is rotated: each stream ends within seconds. And one caller cannot open streams without bound.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { STREAMS_PER_CALLER } from '../src/routes/revocations.js';
import { adminToken, basic, createOAuthClient, createUser, openSse, startOpsServer } from './ops-support.js';
import { request, type TestServer } from './support/server-harness.js';

const WITHIN_MS = 6_000; // re-checks run every 2 s; a loaded machine gets slack

describe('revocation stream lifetime', () => {
  let s: TestServer;
  let admin: string;
  before(async () => {
    s = await startOpsServer();
    admin = await adminToken(s.url);
  });
  after(() => s.stop(true));

  test('an admin stream ends when the admin is demoted', async () => {
    const other = await createUser(s.url, admin, ['admin']);
    const stream = await openSse(`${s.url}/v1/revocations/stream`, {
      authorization: `Bearer ${other.accessToken}`,
    });
    assert.equal(stream.status, 200);
    assert.equal(await stream.endsWithin(300), false, 'open while the admin is an admin');
    const demote = await request(s.url, 'PATCH', `/v1/admin/users/${other.id}`, {
      token: admin,
      body: { roles: ['user'] },
    });
    assert.equal(demote.status, 200);
    assert.equal(await stream.endsWithin(WITHIN_MS), true, 'stream ended after the demotion');
  });

  test('a client stream ends when the client is disabled, or its secret changes', async () => {
    const client = await createOAuthClient(s.url, admin, ['revocations:read']);
    const stream = await openSse(`${s.url}/v1/revocations/stream`, {
      authorization: basic(client.id, client.secret),
    });
    assert.equal(stream.status, 200);
    assert.equal(await stream.endsWithin(300), false);
    const disable = await request(s.url, 'PATCH', `/v1/admin/clients/${client.id}`, {
      token: admin,
      body: { disabled: true },
    });
    assert.equal(disable.status, 200, disable.text);
    assert.equal(await stream.endsWithin(WITHIN_MS), true);
  });

  test(`one caller gets at most ${STREAMS_PER_CALLER} streams`, async () => {
    const client = await createOAuthClient(s.url, admin, ['revocations:read']);
    const headers = { authorization: basic(client.id, client.secret) };
    const streams = [];
    try {
      for (let i = 0; i < STREAMS_PER_CALLER; i++) {
        const st = await openSse(`${s.url}/v1/revocations/stream`, headers);
        assert.equal(st.status, 200);
        streams.push(st);
      }
      const refused = await request(s.url, 'GET', '/v1/revocations/stream', { headers });
      assert.equal(refused.status, 429);
      assert.ok(Number(refused.headers.get('retry-after')) >= 1);
      // Closing one frees its slot.
      await streams.pop()?.close();
      await new Promise((r) => setTimeout(r, 200));
      const again = await openSse(`${s.url}/v1/revocations/stream`, headers);
      assert.equal(again.status, 200);
      streams.push(again);
    } finally {
      for (const st of streams) await st.close();
    }
  });
});

test('an admin stream ends when the admin token expires', async () => {
  const s = await startOpsServer({ TESSERA_ACCESS_TTL: '2' });
  try {
    const admin = await adminToken(s.url);
    const stream = await openSse(`${s.url}/v1/revocations/stream`, { authorization: `Bearer ${admin}` });
    assert.equal(stream.status, 200);
    assert.equal(await stream.endsWithin(WITHIN_MS), true, 'stream ended at the token expiry');
  } finally {
    await s.stop(true);
  }
});
