// Attacker's side (issue 9 hole 5): a revocation stream must not outlive the credential that opened
// it. An admin token that expires, an admin who is demoted or disabled, a client that is disabled:
// each stream ends within about a second (re-checked every STREAM_RECHECK_MS and on every feed
// event). And one caller cannot open streams without bound (429 past STREAMS_PER_CALLER).
// Every stream is closed in a finally block and every wait is bounded, so no test can hang.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Clock } from '../src/app-context.js';
import { STREAMS_PER_CALLER } from '../src/routes/revocations.js';
import { ADMIN_EMAIL, adminToken, basic, createOAuthClient, createUser, openSse } from './ops-support.js';
import { GOOD_PASSWORD, request, startTestServer, type TestServer } from './support/server-harness.js';

const WITHIN_MS = 2_500; // re-checks run every second; a loaded machine gets some slack
const OPEN_MS = 300; // how long a stream that must stay open is watched

type Stream = Awaited<ReturnType<typeof openSse>>;

describe('revocation stream lifetime', { timeout: 60_000 }, () => {
  let now = Date.now();
  const clock: Clock = { now: () => now };
  let s: TestServer;
  let admin: string;
  const streams: Stream[] = [];
  before(async () => {
    s = await startTestServer({
      clock,
      env: {
        TESSERA_BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
        TESSERA_BOOTSTRAP_ADMIN_PASSWORD: GOOD_PASSWORD,
        TESSERA_LOG_LEVEL: 'warn',
        TESSERA_ACCESS_TTL: '120',
      },
    });
    admin = await adminToken(s.url);
  });
  after(async () => {
    // A stream left open by a failed assertion must not keep the server (and the run) alive.
    for (const st of streams) await st.close();
    await s.stop(true);
  });

  async function open(headers: Record<string, string>): Promise<Stream> {
    const st = await openSse(`${s.url}/v1/revocations/stream`, headers);
    streams.push(st);
    return st;
  }

  test('an admin stream ends when the admin token expires', async () => {
    const other = await createUser(s.url, admin, ['admin']);
    const stream = await open({ authorization: `Bearer ${other.accessToken}` });
    try {
      assert.equal(stream.status, 200);
      assert.equal(await stream.endsWithin(OPEN_MS), false, 'open while the token is valid');
      now += 121_000; // past exp (the verifiers' 30 s clock tolerance does not extend a stream)
      assert.equal(await stream.endsWithin(WITHIN_MS), true, 'stream ended at the token expiry');
    } finally {
      await stream.close();
      now = Date.now();
    }
  });

  test('an admin stream ends when the admin is demoted', async () => {
    admin = await adminToken(s.url); // fresh after the clock moved
    const other = await createUser(s.url, admin, ['admin']);
    const stream = await open({ authorization: `Bearer ${other.accessToken}` });
    try {
      assert.equal(stream.status, 200);
      assert.equal(await stream.endsWithin(OPEN_MS), false, 'open while the admin is an admin');
      const demote = await request(s.url, 'PATCH', `/v1/admin/users/${other.id}`, {
        token: admin,
        body: { roles: ['user'] },
      });
      assert.equal(demote.status, 200, demote.text);
      assert.equal(await stream.endsWithin(WITHIN_MS), true, 'stream ended after the demotion');
    } finally {
      await stream.close();
    }
  });

  test('an admin stream ends when the admin is disabled', async () => {
    const other = await createUser(s.url, admin, ['admin']);
    const stream = await open({ authorization: `Bearer ${other.accessToken}` });
    try {
      assert.equal(stream.status, 200);
      assert.equal(await stream.endsWithin(OPEN_MS), false);
      const disable = await request(s.url, 'PATCH', `/v1/admin/users/${other.id}`, {
        token: admin,
        body: { disabled: true },
      });
      assert.equal(disable.status, 200, disable.text);
      assert.equal(await stream.endsWithin(WITHIN_MS), true, 'stream ended after disabling');
    } finally {
      await stream.close();
    }
  });

  test('a client stream ends when the client is disabled', async () => {
    const client = await createOAuthClient(s.url, admin, ['revocations:read']);
    const stream = await open({ authorization: basic(client.id, client.secret) });
    try {
      assert.equal(stream.status, 200);
      assert.equal(await stream.endsWithin(OPEN_MS), false);
      const disable = await request(s.url, 'PATCH', `/v1/admin/clients/${client.id}`, {
        token: admin,
        body: { disabled: true },
      });
      assert.equal(disable.status, 200, disable.text);
      assert.equal(await stream.endsWithin(WITHIN_MS), true, 'stream ended after disabling the client');
    } finally {
      await stream.close();
    }
  });

  test(`one caller gets at most ${STREAMS_PER_CALLER} streams; a closed one frees its slot`, async () => {
    const client = await createOAuthClient(s.url, admin, ['revocations:read']);
    const headers = { authorization: basic(client.id, client.secret) };
    const mine: Stream[] = [];
    try {
      for (let i = 0; i < STREAMS_PER_CALLER; i++) {
        const st = await open(headers);
        mine.push(st);
        assert.equal(st.status, 200, `stream ${i + 1}`);
      }
      const refused = await open(headers);
      mine.push(refused);
      assert.equal(refused.status, 429);
      assert.ok(Number(refused.headers.get('retry-after')) >= 1);
      // Another caller is not affected.
      const other = await createOAuthClient(s.url, admin, ['revocations:read']);
      const theirs = await open({ authorization: basic(other.id, other.secret) });
      mine.push(theirs);
      assert.equal(theirs.status, 200);
      // Closing one frees its slot (the server notices the closed connection).
      await mine[0]?.close();
      let again: Stream | undefined;
      for (let i = 0; i < 20 && again?.status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 100));
        again = await open(headers);
        mine.push(again);
      }
      assert.equal(again?.status, 200);
    } finally {
      for (const st of mine) await st.close();
    }
  });
});
