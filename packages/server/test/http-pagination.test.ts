// One paging style for every list: `?limit=&cursor=` and `next_cursor` in the answer (null on the
// last page). Walking each list two items at a time sees every item exactly once; the names used
// before (users `after`/`next`, audit `before`/`next_before`, feed `since`/`cursor`) still give the
// same pages; a cursor that is not one of the list's is a 400.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  GOOD_PASSWORD,
  registerAndLogin,
  request,
  startTestServer,
  type TestServer,
} from './support/server-harness.js';

// biome-ignore lint/suspicious/noExplicitAny: list bodies are read loosely and asserted on
type Body = any;

describe('pagination: ?limit=&cursor= → next_cursor, on every list', () => {
  let t: TestServer;
  let admin: string;
  let user: { accessToken: string; email: string };

  /** Every item of a list, two per page; asserts the pages chain and end with next_cursor null. */
  async function walk(path: string, key: string, token: string, idOf: (item: Body) => string) {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const sep = path.includes('?') ? '&' : '?';
      const url: string = `${path}${sep}limit=2${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
      const res: Body = await request(t.url, 'GET', url, { token });
      assert.equal(res.status, 200, `${url}: ${res.text}`);
      assert.ok(res.body[key].length <= 2);
      seen.push(...res.body[key].map(idOf));
      assert.ok('next_cursor' in res.body, `${url} has no next_cursor`);
      cursor = res.body.next_cursor;
      if (cursor === null) return seen;
      assert.equal(typeof cursor, 'string');
    }
    throw new Error(`${path}: more than 100 pages`);
  }

  before(async () => {
    t = await startTestServer({
      env: {
        TESSERA_BOOTSTRAP_ADMIN_EMAIL: 'ops@example.com',
        TESSERA_BOOTSTRAP_ADMIN_PASSWORD: GOOD_PASSWORD,
      },
    });
    const login = await request(t.url, 'POST', '/v1/auth/login', {
      body: { email: 'ops@example.com', password: GOOD_PASSWORD, refresh_token_in_body: true },
    });
    admin = login.body.access_token;
    user = await registerAndLogin(t.url);
    for (let i = 0; i < 4; i++) await registerAndLogin(t.url);
    // Five sessions for `user`, five clients, and revocations (each logout revokes a session).
    for (let i = 0; i < 4; i++) {
      await request(t.url, 'POST', '/v1/auth/login', {
        body: { email: user.email, password: GOOD_PASSWORD, refresh_token_in_body: true },
      });
    }
    for (let i = 0; i < 5; i++) {
      const res = await request(t.url, 'POST', '/v1/admin/clients', {
        token: admin,
        body: { name: `svc ${i}` },
      });
      assert.equal(res.status, 201);
    }
    for (let i = 0; i < 5; i++) {
      const other = await registerAndLogin(t.url);
      await request(t.url, 'POST', '/v1/auth/logout', { token: other.accessToken });
    }
  });
  after(() => t.stop(true));

  test('admin users: every user once; `after`/`next` still work', async () => {
    const ids = await walk('/v1/admin/users', 'users', admin, (u) => u.id);
    assert.ok(ids.length >= 11);
    assert.equal(new Set(ids).size, ids.length);
    const first = await request(t.url, 'GET', '/v1/admin/users?limit=2', { token: admin });
    assert.equal(first.body.next, first.body.next_cursor);
    const [byCursor, byAfter] = await Promise.all([
      request(t.url, 'GET', `/v1/admin/users?limit=2&cursor=${first.body.next_cursor}`, { token: admin }),
      request(t.url, 'GET', `/v1/admin/users?limit=2&after=${first.body.next}`, { token: admin }),
    ]);
    assert.deepEqual(byCursor.body, byAfter.body);
  });

  test('admin audit: every event once, newest first; `before`/`next_before` still work', async () => {
    const ids = await walk('/v1/admin/audit?event=login_succeeded', 'events', admin, (e) => String(e.id));
    assert.ok(ids.length >= 10);
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual(
      ids.map(Number),
      ids.map(Number).sort((a, b) => b - a),
    );
    const first = await request(t.url, 'GET', '/v1/admin/audit?limit=2', { token: admin });
    assert.equal(first.body.next_cursor, String(first.body.next_before));
    const [byCursor, byBefore] = await Promise.all([
      request(t.url, 'GET', `/v1/admin/audit?limit=2&cursor=${first.body.next_cursor}`, { token: admin }),
      request(t.url, 'GET', `/v1/admin/audit?limit=2&before=${first.body.next_before}`, { token: admin }),
    ]);
    assert.deepEqual(byCursor.body, byBefore.body);
    const bad = await request(t.url, 'GET', '/v1/admin/audit?cursor=yesterday', { token: admin });
    assert.equal(bad.status, 400);
  });

  test('admin clients: every client once, oldest first', async () => {
    const ids = await walk('/v1/admin/clients', 'clients', admin, (c) => c.client_id);
    assert.equal(ids.length, 5);
    assert.equal(new Set(ids).size, 5);
    const bad = await request(t.url, 'GET', '/v1/admin/clients?cursor=no-such-client', { token: admin });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error_description, /^cursor: /);
  });

  test("sessions: every one of the caller's sessions once", async () => {
    const ids = await walk('/v1/sessions', 'sessions', user.accessToken, (s) => s.id);
    assert.equal(ids.length, 5);
    assert.equal(new Set(ids).size, 5);
  });

  test('revocation feed: cursor/next_cursor, and since/cursor as before, give the same entries', async () => {
    const first = await request(t.url, 'GET', '/v1/revocations?limit=2', { token: admin });
    assert.equal(first.status, 200);
    assert.equal(first.body.revocations.length, 2);
    assert.equal(first.body.next_cursor, first.body.cursor);
    const [byCursor, bySince] = await Promise.all([
      request(t.url, 'GET', `/v1/revocations?limit=2&cursor=${first.body.next_cursor}`, { token: admin }),
      request(t.url, 'GET', `/v1/revocations?limit=2&since=${first.body.cursor}`, { token: admin }),
    ]);
    assert.deepEqual(byCursor.body, bySince.body);
    assert.equal(byCursor.body.revocations.length, 2);
    assert.ok(
      byCursor.body.revocations.every((e: Body) => Number(e.cursor) > Number(first.body.next_cursor)),
    );
  });
});
