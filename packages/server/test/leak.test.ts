// Leak test: the whole API story against a real server (temporary SQLite file, real HTTP), with every
// log line captured at the most verbose level, then every audit row and the /metrics text scanned for
// every secret the story used: access tokens, refresh tokens (body and cookie), passwords (right and
// wrong), the client secret, the metrics token and the master key. None may appear, whole or in part
// (any 16-character window of a token's payload or signature, of a refresh token, of a secret).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { basic, form } from './ops-support.js';
import {
  refreshCookie,
  request,
  startTestServer,
  TEST_ORIGIN,
  type TestServer,
} from './support/server-harness.js';

const WINDOW = 16;
const masterKeyBytes = randomBytes(32);
const MASTER_KEY = masterKeyBytes.toString('base64url');
const METRICS_TOKEN = randomBytes(24).toString('base64url');
const ADMIN_EMAIL = 'root@example.com';
const ADMIN_PASSWORD = 'quartz meadow lantern 51';
const USER_PASSWORD = 'violet harbour engine 73';
const NEW_PASSWORD = 'saffron glacier pulley 88';
const WRONG_PASSWORD = 'wrong guess orchid 19';
const CREATED_PASSWORD = 'copper falcon ribbon 64';

/** Every value that must never be written anywhere an operator or attacker can read. */
const secrets = new Map<string, string>();
function secret(label: string, value: unknown): string {
  assert.equal(typeof value, 'string', `${label} is a string`);
  assert.ok((value as string).length >= WINDOW, `${label} is long enough to scan`);
  secrets.set(label, value as string);
  return value as string;
}
/** A JWT's header is the same for every token and public; its payload and signature are not. */
function accessToken(label: string, token: unknown): string {
  const [, payload, signature] = String(token).split('.');
  secret(`${label} payload`, payload);
  secret(`${label} signature`, signature);
  secrets.set(label, String(token));
  return String(token);
}

function leaks(haystack: string): string[] {
  const found: string[] = [];
  for (const [label, value] of secrets) {
    for (let i = 0; i + WINDOW <= value.length; i += 1) {
      if (haystack.includes(value.slice(i, i + WINDOW))) {
        found.push(`${label} (window at ${i})`);
        break;
      }
    }
  }
  return found;
}

describe('nothing secret reaches logs, audit rows or metrics', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({
      env: {
        TESSERA_LOG_LEVEL: 'trace',
        TESSERA_MASTER_KEY: MASTER_KEY,
        TESSERA_METRICS_TOKEN: METRICS_TOKEN,
        TESSERA_BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
        TESSERA_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
        TESSERA_REUSE_INTERVAL: '1',
      },
    });
    secret('master key (base64url)', MASTER_KEY);
    secret('master key (base64)', masterKeyBytes.toString('base64'));
    secret('master key (hex)', masterKeyBytes.toString('hex'));
    secret('metrics token', METRICS_TOKEN);
    for (const [label, pw] of Object.entries({
      ADMIN_PASSWORD,
      USER_PASSWORD,
      NEW_PASSWORD,
      WRONG_PASSWORD,
      CREATED_PASSWORD,
    })) {
      secret(label, pw);
    }
  });
  after(() => s.stop(true));

  test('the API story, then the scan', async () => {
    const base = s.url;
    const ok = (res: { status: number; text: string }, status: number, what: string) =>
      assert.equal(res.status, status, `${what}: ${res.text}`);

    // Accounts: register, wrong and right logins (body and cookie modes), me, sessions.
    const reg = await request(base, 'POST', '/v1/auth/register', {
      body: { email: 'leak@example.com', password: USER_PASSWORD },
    });
    ok(reg, 201, 'register');
    const userId = reg.body.user.id as string;
    ok(
      await request(base, 'POST', '/v1/auth/login', {
        body: { email: 'leak@example.com', password: WRONG_PASSWORD },
      }),
      401,
      'wrong password',
    );
    ok(
      await request(base, 'POST', '/v1/auth/login', {
        body: { email: 'nobody@example.com', password: WRONG_PASSWORD },
      }),
      401,
      'unknown user',
    );
    const login = await request(base, 'POST', '/v1/auth/login', {
      body: { email: 'leak@example.com', password: USER_PASSWORD, refresh_token_in_body: true },
    });
    ok(login, 200, 'login');
    const at1 = accessToken('access token 1', login.body.access_token);
    const rt1 = secret('refresh token 1', login.body.refresh_token);
    const cookieLogin = await request(base, 'POST', '/v1/auth/login', {
      body: { email: 'leak@example.com', password: USER_PASSWORD },
      headers: { origin: TEST_ORIGIN },
    });
    ok(cookieLogin, 200, 'cookie login');
    accessToken('access token (cookie login)', cookieLogin.body.access_token);
    const cookie = secret('refresh cookie', refreshCookie(cookieLogin));
    ok(await request(base, 'GET', '/v1/me', { token: at1 }), 200, 'me');
    const sessions = await request(base, 'GET', '/v1/sessions', { token: at1 });
    ok(sessions, 200, 'sessions');

    // Refresh (body and cookie), the grace window, then reuse of a spent token.
    const r1 = await request(base, 'POST', '/v1/auth/refresh', {
      body: { refresh_token: rt1, refresh_token_in_body: true },
    });
    ok(r1, 200, 'refresh');
    const at2 = accessToken('access token 2', r1.body.access_token);
    secret('refresh token 2', r1.body.refresh_token);
    const grace = await request(base, 'POST', '/v1/auth/refresh', {
      body: { refresh_token: rt1, refresh_token_in_body: true },
    });
    if (grace.status === 200) {
      accessToken('access token (grace)', grace.body.access_token);
      if (grace.body.refresh_token) secret('refresh token (grace)', grace.body.refresh_token);
    }
    const viaCookie = await request(base, 'POST', '/v1/auth/refresh', {
      headers: { origin: TEST_ORIGIN, cookie: `tessera_rt=${cookie}` },
    });
    ok(viaCookie, 200, 'cookie refresh');
    accessToken('access token (cookie refresh)', viaCookie.body.access_token);
    const cookie2 = secret('refresh cookie 2', refreshCookie(viaCookie));
    await new Promise((r) => setTimeout(r, 1_200)); // past the 1 s reuse interval
    const reuse = await request(base, 'POST', '/v1/auth/refresh', {
      body: { refresh_token: rt1, refresh_token_in_body: true },
    });
    ok(reuse, 401, 'reuse');

    // Password change, login with the new password, logout and logout-all.
    const relog = await request(base, 'POST', '/v1/auth/login', {
      body: { email: 'leak@example.com', password: USER_PASSWORD, refresh_token_in_body: true },
    });
    ok(relog, 200, 'login again');
    const at3 = accessToken('access token 3', relog.body.access_token);
    secret('refresh token 3', relog.body.refresh_token);
    ok(
      await request(base, 'POST', '/v1/auth/password', {
        token: at3,
        body: { current_password: USER_PASSWORD, new_password: NEW_PASSWORD },
      }),
      204,
      'password change',
    );
    const login4 = await request(base, 'POST', '/v1/auth/login', {
      body: { email: 'leak@example.com', password: NEW_PASSWORD, refresh_token_in_body: true },
    });
    ok(login4, 200, 'login with the new password');
    const at4 = accessToken('access token 4', login4.body.access_token);
    const rt4 = secret('refresh token 4', login4.body.refresh_token);
    const logout = await request(base, 'POST', '/v1/auth/logout', {
      token: at4,
      body: { refresh_token: rt4 },
    });
    assert.ok([200, 204].includes(logout.status), logout.text);
    const login5 = await request(base, 'POST', '/v1/auth/login', {
      body: { email: 'leak@example.com', password: NEW_PASSWORD, refresh_token_in_body: true },
    });
    const at5 = accessToken('access token 5', login5.body.access_token);
    const rt5 = secret('refresh token 5', login5.body.refresh_token);
    const all = await request(base, 'POST', '/v1/auth/logout-all', {
      token: at5,
      body: { refresh_token: rt5 },
    });
    assert.ok([200, 204].includes(all.status), all.text);
    // A stale cookie after logout-all: refused, and must not be logged either.
    const stale = await request(base, 'POST', '/v1/auth/refresh', {
      headers: { origin: TEST_ORIGIN, cookie: `tessera_rt=${cookie2}` },
    });
    assert.ok(stale.status >= 400 && stale.status < 500, stale.text);

    // Admin: users and clients.
    const adminLogin = await request(base, 'POST', '/v1/auth/login', {
      body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD, refresh_token_in_body: true },
    });
    ok(adminLogin, 200, 'admin login');
    const admin = accessToken('admin access token', adminLogin.body.access_token);
    secret('admin refresh token', adminLogin.body.refresh_token);
    const created = await request(base, 'POST', '/v1/admin/users', {
      token: admin,
      body: { email: 'made@example.com', password: CREATED_PASSWORD, roles: ['user', 'editor'] },
    });
    ok(created, 201, 'admin creates a user');
    ok(await request(base, 'GET', '/v1/admin/users', { token: admin }), 200, 'admin lists users');
    ok(
      await request(base, 'PATCH', `/v1/admin/users/${created.body.user.id}`, {
        token: admin,
        body: { roles: ['user'] },
      }),
      200,
      'admin sets roles',
    );
    ok(
      await request(base, 'PATCH', `/v1/admin/users/${userId}`, { token: admin, body: { disabled: true } }),
      200,
      'admin disables a user',
    );
    const client = await request(base, 'POST', '/v1/admin/clients', {
      token: admin,
      body: {
        name: 'leak client',
        scopes: ['introspect', 'revoke', 'revocations:read'],
        audiences: ['orders-api'],
      },
    });
    ok(client, 201, 'admin creates a client');
    const clientId = client.body.client_id as string;
    const clientSecret = secret('client secret', client.body.client_secret);
    ok(await request(base, 'GET', '/v1/admin/clients', { token: admin }), 200, 'admin lists clients');
    ok(await request(base, 'GET', '/v1/admin/audit', { token: admin }), 200, 'admin reads the audit log');
    ok(await request(base, 'GET', '/v1/admin/keys', { token: admin }), 200, 'admin lists keys');

    // OAuth: client credentials (right and wrong secret), introspection, revocation, feed.
    const cc = await form(
      base,
      '/v1/oauth/token',
      { grant_type: 'client_credentials' },
      {
        authorization: basic(clientId, clientSecret),
      },
    );
    ok(cc, 200, 'client_credentials');
    accessToken('client access token', cc.body.access_token);
    const wrongSecret = secret('wrong client secret', randomBytes(24).toString('base64url'));
    assert.equal(
      (
        await form(
          base,
          '/v1/oauth/token',
          { grant_type: 'client_credentials' },
          { authorization: basic(clientId, wrongSecret) },
        )
      ).status,
      401,
    );
    const userLogin = await request(base, 'POST', '/v1/auth/login', {
      body: { email: 'made@example.com', password: CREATED_PASSWORD, refresh_token_in_body: true },
    });
    ok(userLogin, 200, 'created user logs in');
    const at6 = accessToken('access token 6', userLogin.body.access_token);
    const rt6 = secret('refresh token 6', userLogin.body.refresh_token);
    const auth = { authorization: basic(clientId, clientSecret) };
    ok(await form(base, '/v1/oauth/introspect', { token: at6 }, auth), 200, 'introspect access token');
    ok(await form(base, '/v1/oauth/introspect', { token: rt6 }, auth), 200, 'introspect refresh token');
    ok(await form(base, '/v1/oauth/introspect', { token: `${at6}x` }, auth), 200, 'introspect garbage');
    ok(await form(base, '/v1/oauth/revoke', { token: rt6 }, auth), 200, 'revoke a refresh token');
    ok(await form(base, '/v1/oauth/revoke', { token: at6 }, auth), 200, 'revoke an access token');
    ok(
      await form(base, '/v1/oauth/revoke', { token: rt4 }, { authorization: `Bearer ${admin}` }),
      200,
      'admin revokes',
    );
    ok(await request(base, 'GET', '/v1/revocations', { headers: auth }), 200, 'revocation feed');
    // Tokens presented where they fail: a tampered one and an expired-by-revocation one.
    assert.equal((await request(base, 'GET', '/v1/me', { token: at2 })).status, 401);
    assert.equal((await request(base, 'GET', '/v1/me', { token: `${at6.slice(0, -4)}AAAA` })).status, 401);
    ok(
      await request(base, 'PATCH', `/v1/admin/clients/${clientId}`, {
        token: admin,
        body: { disabled: true },
      }),
      200,
      'admin disables the client',
    );

    // Metrics last, so every counter above is in them.
    const metrics = await request(base, 'GET', '/metrics', { token: METRICS_TOKEN });
    ok(metrics, 200, 'metrics');
    const auditRows = await s.server.ctx.stores.audit.query({ limit: 10_000 });
    const logs = s.logs();

    // The capture is real: it saw the story (a scan of nothing would pass).
    assert.ok(logs.split('\n').length > 50, 'log lines captured');
    assert.match(logs, /incoming request/, 'request lines captured');
    assert.match(logs, /bearer token rejected/, 'the lines about rejected tokens are in the scan');
    assert.ok(auditRows.length > 20, `audit rows: ${auditRows.length}`);
    assert.match(metrics.text, /tessera_/);
    assert.ok(secrets.size > 30, `secrets tracked: ${secrets.size}`);
    assert.ok(
      logs.includes(userId) || JSON.stringify(auditRows).includes(userId),
      'ids are logged, secrets not',
    );

    // The scanner finds what it looks for: a partial token in a line is reported.
    assert.deepEqual(leaks(`{"msg":"x","t":"${rt1.slice(5, 5 + WINDOW)}"}`), [
      'refresh token 1 (window at 5)',
    ]);
    assert.deepEqual(leaks(logs), [], 'log lines');
    assert.deepEqual(leaks(JSON.stringify(auditRows)), [], 'audit rows');
    assert.deepEqual(leaks(metrics.text), [], '/metrics');
  });
});
