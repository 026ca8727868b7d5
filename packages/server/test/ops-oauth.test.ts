// Real HTTP: client_credentials and refresh_token grants, RFC 7662 introspection, RFC 7009
// revocation, and the revocation feed (JSON pages and the server-sent-events stream).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeToken } from '@tessera/core';
import {
  adminToken,
  basic,
  createOAuthClient,
  createUser,
  form,
  openSse,
  startOpsServer,
} from './ops-support.js';
import { request, type TestServer } from './support/server-harness.js';

describe('OAuth endpoints', () => {
  let s: TestServer;
  let admin: string;
  before(async () => {
    s = await startOpsServer();
    admin = await adminToken(s.url);
  });
  after(() => s.stop(true));

  test('client_credentials: audience-scoped token, RFC 6749 errors', async () => {
    const c = await createOAuthClient(s.url, admin, ['introspect'], ['billing-api', 'orders-api']);
    const res = await form(
      s.url,
      '/v1/oauth/token',
      { grant_type: 'client_credentials', audience: 'orders-api' },
      {
        authorization: basic(c.id, c.secret),
      },
    );
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.token_type, 'Bearer');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const { header, payload } = decodeToken(res.body.access_token);
    assert.equal(header.typ, 'at+jwt');
    assert.equal(payload.aud, 'orders-api');
    assert.equal(payload.sub, c.id);
    assert.equal(payload.client_id, c.id);
    assert.equal(payload.sid, undefined);
    // default audience, client_secret_post, JSON body
    const json = await request(s.url, 'POST', '/v1/oauth/token', {
      body: {
        grant_type: 'client_credentials',
        client_id: c.id,
        client_secret: c.secret,
        scope: 'introspect',
      },
    });
    assert.equal(json.status, 200);
    assert.equal(decodeToken(json.body.access_token).payload.aud, 'billing-api');
    assert.equal(json.body.scope, 'introspect');
    // a service token is not accepted by the auth server's own API (other audience)
    assert.equal((await request(s.url, 'GET', '/v1/me', { token: res.body.access_token })).status, 401);

    const cases: Array<[Record<string, string>, Record<string, string>, number, string]> = [
      [
        { grant_type: 'client_credentials' },
        { authorization: basic(c.id, `${c.secret}x`) },
        401,
        'invalid_client',
      ],
      [
        { grant_type: 'client_credentials' },
        { authorization: basic('c_unknown', c.secret) },
        401,
        'invalid_client',
      ],
      [{ grant_type: 'client_credentials' }, {}, 401, 'invalid_client'],
      [
        { grant_type: 'client_credentials', audience: 'admin-api' },
        { authorization: basic(c.id, c.secret) },
        400,
        'invalid_target',
      ],
      [
        { grant_type: 'client_credentials', scope: 'revoke' },
        { authorization: basic(c.id, c.secret) },
        400,
        'invalid_scope',
      ],
      [{ grant_type: 'password' }, { authorization: basic(c.id, c.secret) }, 400, 'unsupported_grant_type'],
      [{}, {}, 400, 'invalid_request'],
    ];
    for (const [params, headers, status, error] of cases) {
      const r = await form(s.url, '/v1/oauth/token', params, headers);
      assert.equal(r.status, status, `${JSON.stringify(params)} → ${r.text}`);
      assert.equal(r.body.error, error);
    }
    const bad = await form(
      s.url,
      '/v1/oauth/token',
      { grant_type: 'client_credentials' },
      {
        authorization: basic(c.id, 'wrong'),
      },
    );
    assert.match(bad.headers.get('www-authenticate') ?? '', /^Basic/);
    const repeated = await request(s.url, 'POST', '/v1/oauth/token', {
      body: 'grant_type=client_credentials&grant_type=refresh_token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(repeated.status, 400);
  });

  test('refresh_token grant rotates, and a spent token is invalid_grant', async () => {
    const user = await createUser(s.url, admin);
    const first = await form(s.url, '/v1/oauth/token', {
      grant_type: 'refresh_token',
      refresh_token: user.refreshToken,
    });
    assert.equal(first.status, 200, first.text);
    assert.notEqual(first.body.refresh_token, user.refreshToken);
    assert.equal(decodeToken(first.body.access_token).payload.sub, user.id);
    const garbage = await form(s.url, '/v1/oauth/token', {
      grant_type: 'refresh_token',
      refresh_token: 'nope',
    });
    assert.equal(garbage.status, 400);
    assert.equal(garbage.body.error, 'invalid_grant');
  });

  test('introspection: active access and refresh tokens, inactive otherwise; needs the scope', async () => {
    const c = await createOAuthClient(s.url, admin, ['introspect']);
    const plain = await createOAuthClient(s.url, admin, []);
    const user = await createUser(s.url, admin);
    const auth = { authorization: basic(c.id, c.secret) };
    const access = await form(s.url, '/v1/oauth/introspect', { token: user.accessToken }, auth);
    assert.equal(access.status, 200);
    assert.equal(access.body.active, true);
    assert.equal(access.body.token_type, 'access_token');
    assert.equal(access.body.sub, user.id);
    assert.equal(typeof access.body.exp, 'number');
    const refresh = await form(
      s.url,
      '/v1/oauth/introspect',
      { token: user.refreshToken, token_type_hint: 'refresh_token' },
      auth,
    );
    assert.equal(refresh.body.active, true);
    assert.equal(refresh.body.token_type, 'refresh_token');
    assert.equal(refresh.body.sub, user.id);
    assert.equal(refresh.body.sid, decodeToken(user.accessToken).payload.sid);
    for (const token of ['garbage', `${user.accessToken.slice(0, -3)}xyz`, 'a'.repeat(43)]) {
      const r = await form(s.url, '/v1/oauth/introspect', { token }, auth);
      assert.deepEqual(r.body, { active: false });
    }
    // admins may introspect with their bearer token
    const asAdmin = await form(
      s.url,
      '/v1/oauth/introspect',
      { token: user.accessToken },
      { authorization: `Bearer ${admin}` },
    );
    assert.equal(asAdmin.body.active, true);
    assert.equal((await form(s.url, '/v1/oauth/introspect', { token: user.accessToken })).status, 401);
    const noScope = await form(
      s.url,
      '/v1/oauth/introspect',
      { token: user.accessToken },
      { authorization: basic(plain.id, plain.secret) },
    );
    assert.equal(noScope.status, 403);
    const asUser = await form(
      s.url,
      '/v1/oauth/introspect',
      { token: user.accessToken },
      { authorization: `Bearer ${user.accessToken}` },
    );
    assert.equal(asUser.status, 403);
    assert.equal((await form(s.url, '/v1/oauth/introspect', {}, auth)).status, 400);
  });

  test('revocation (RFC 7009): access tokens by jti, refresh tokens by session', async () => {
    const revoker = await createOAuthClient(s.url, admin, ['revoke', 'introspect']);
    const auth = { authorization: basic(revoker.id, revoker.secret) };
    const user = await createUser(s.url, admin);
    const r1 = await form(s.url, '/v1/oauth/revoke', { token: user.accessToken }, auth);
    assert.equal(r1.status, 200);
    assert.equal((await request(s.url, 'GET', '/v1/me', { token: user.accessToken })).status, 401);
    const intro = await form(s.url, '/v1/oauth/introspect', { token: user.accessToken }, auth);
    assert.deepEqual(intro.body, { active: false });
    // the session survives a jti revocation: the refresh token still works
    const refreshed = await form(s.url, '/v1/oauth/token', {
      grant_type: 'refresh_token',
      refresh_token: user.refreshToken,
    });
    assert.equal(refreshed.status, 200);
    // revoking the refresh token ends the session and its access tokens
    const r2 = await form(
      s.url,
      '/v1/oauth/revoke',
      { token: refreshed.body.refresh_token, token_type_hint: 'refresh_token' },
      auth,
    );
    assert.equal(r2.status, 200);
    assert.equal((await request(s.url, 'GET', '/v1/me', { token: refreshed.body.access_token })).status, 401);
    const again = await form(s.url, '/v1/oauth/token', {
      grant_type: 'refresh_token',
      refresh_token: refreshed.body.refresh_token,
    });
    assert.equal(again.status, 400);
    // unknown tokens: 200 as well
    assert.equal((await form(s.url, '/v1/oauth/revoke', { token: 'unknown-token' }, auth)).status, 200);

    // a client without the revoke scope may revoke only its own tokens
    const svc = await createOAuthClient(s.url, admin, [], ['tessera']);
    const svcAuth = { authorization: basic(svc.id, svc.secret) };
    const own = await form(s.url, '/v1/oauth/token', { grant_type: 'client_credentials' }, svcAuth);
    assert.equal(
      (await form(s.url, '/v1/oauth/revoke', { token: own.body.access_token }, svcAuth)).status,
      200,
    );
    const introOwn = await form(s.url, '/v1/oauth/introspect', { token: own.body.access_token }, auth);
    assert.deepEqual(introOwn.body, { active: false });
    const other = await createUser(s.url, admin);
    const refused = await form(s.url, '/v1/oauth/revoke', { token: other.accessToken }, svcAuth);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error, 'unauthorized_client');
    assert.equal((await request(s.url, 'GET', '/v1/me', { token: other.accessToken })).status, 200);
    assert.equal((await form(s.url, '/v1/oauth/revoke', { token: other.accessToken })).status, 401);
  });
});

describe('revocation feed', () => {
  let s: TestServer;
  let admin: string;
  let feedAuth: Record<string, string>;
  before(async () => {
    s = await startOpsServer();
    admin = await adminToken(s.url);
    const c = await createOAuthClient(s.url, admin, ['revocations:read']);
    feedAuth = { authorization: basic(c.id, c.secret) };
  });
  after(() => s.stop(true));

  test('needs a client with revocations:read or an admin', async () => {
    assert.equal((await request(s.url, 'GET', '/v1/revocations')).status, 401);
    const other = await createOAuthClient(s.url, admin, ['introspect']);
    assert.equal(
      (
        await request(s.url, 'GET', '/v1/revocations', {
          headers: { authorization: basic(other.id, other.secret) },
        })
      ).status,
      403,
    );
    const user = await createUser(s.url, admin);
    assert.equal((await request(s.url, 'GET', '/v1/revocations', { token: user.accessToken })).status, 403);
    assert.equal((await request(s.url, 'GET', '/v1/revocations', { token: admin })).status, 200);
    assert.equal(
      (await request(s.url, 'GET', '/v1/revocations?since=abc', { headers: feedAuth })).status,
      400,
    );
  });

  test('snapshot and pages since a cursor, in the documented shape', async () => {
    const snap = await request(s.url, 'GET', '/v1/revocations', { headers: feedAuth });
    assert.equal(snap.status, 200);
    assert.equal(typeof snap.body.cursor, 'string');
    const start = snap.body.cursor;
    const user = await createUser(s.url, admin);
    const sid = decodeToken(user.accessToken).payload.sid;
    assert.equal(
      (await request(s.url, 'POST', '/v1/auth/logout-all', { token: user.accessToken })).status,
      204,
    );
    await request(s.url, 'PATCH', `/v1/admin/users/${user.id}`, { token: admin, body: { disabled: true } });
    const page = await request(s.url, 'GET', `/v1/revocations?since=${start}`, { headers: feedAuth });
    assert.ok(page.body.revocations.length >= 2);
    assert.ok(Number(page.body.cursor) > Number(start));
    const bySid = page.body.revocations.find(
      (e: { type: string; value: string }) => e.type === 'sid' && e.value === sid,
    );
    assert.ok(bySid, 'the session entry');
    assert.equal(typeof bySid.cursor, 'string');
    assert.ok(bySid.exp > Date.now() / 1000);
    const bySub = page.body.revocations.find(
      (e: { type: string; value: string }) => e.type === 'sub' && e.value === user.id,
    );
    assert.ok(bySub, 'the user entry');
    assert.equal(typeof bySub.iat_before, 'number');
    const cursors = page.body.revocations.map((e: { cursor: string }) => Number(e.cursor));
    assert.deepEqual(
      cursors,
      [...cursors].sort((a, b) => a - b),
    );
    const empty = await request(s.url, 'GET', `/v1/revocations?since=${page.body.cursor}`, {
      headers: feedAuth,
    });
    assert.deepEqual(empty.body.revocations, []);
    assert.equal(empty.body.cursor, page.body.cursor);
    // a cursor from the future (restored database) gets a snapshot back
    const ahead = await request(s.url, 'GET', '/v1/revocations?since=999999999', { headers: feedAuth });
    assert.equal(ahead.body.cursor, page.body.cursor);
    assert.ok(ahead.body.revocations.length >= page.body.revocations.length);
    const limited = await request(s.url, 'GET', `/v1/revocations?since=${start}&limit=1`, {
      headers: feedAuth,
    });
    assert.equal(limited.body.revocations.length, 1);
    assert.equal(limited.body.cursor, limited.body.revocations[0].cursor);
  });

  test('SSE stream: backlog after Last-Event-ID, then live events', async () => {
    const snap = await request(s.url, 'GET', '/v1/revocations', { headers: feedAuth });
    const u1 = await createUser(s.url, admin);
    await request(s.url, 'POST', '/v1/auth/logout', { token: u1.accessToken });
    const stream = await openSse(`${s.url}/v1/revocations/stream`, {
      ...feedAuth,
      'last-event-id': snap.body.cursor,
    });
    try {
      assert.equal(stream.status, 200);
      assert.match(stream.headers.get('content-type') ?? '', /^text\/event-stream/);
      const [backlog] = await stream.waitFor(1);
      assert.equal(backlog!.event, 'revocation');
      const entry = JSON.parse(backlog!.data);
      assert.equal(entry.type, 'sid');
      assert.equal(entry.value, decodeToken(u1.accessToken).payload.sid);
      assert.equal(backlog!.id, entry.cursor);
      // live: revoke an access token through RFC 7009 as admin
      const u2 = await createUser(s.url, admin);
      await form(s.url, '/v1/oauth/revoke', { token: u2.accessToken }, { authorization: `Bearer ${admin}` });
      const events = await stream.waitFor(2);
      const live = JSON.parse(events[1]!.data);
      assert.equal(live.type, 'jti');
      assert.equal(live.value, decodeToken(u2.accessToken).payload.jti);
      assert.ok(Number(live.cursor) > Number(entry.cursor));
    } finally {
      await stream.close();
    }
    assert.equal((await fetch(`${s.url}/v1/revocations/stream`)).status, 401);
  });
});

describe('revocation stream and shutdown', () => {
  test('an open stream does not hold up a graceful shutdown', async () => {
    const s = await startOpsServer();
    const admin = await adminToken(s.url);
    const stream = await openSse(`${s.url}/v1/revocations/stream`, { authorization: `Bearer ${admin}` });
    assert.equal(stream.status, 200);
    await s.stop(true);
    await stream.close();
    assert.equal(stream.events.length, 0);
  });
});
