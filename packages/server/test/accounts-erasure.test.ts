// Leaving: GET /v1/me/export, DELETE /v1/me (password re-entered), DELETE /v1/admin/users/:id. After
// erasure no row of the user is left outside the audit trail (every table is read back raw), the
// audit rows keep only the id, and the user's tokens fail at /v1/me, at refresh and in
// @tessera/verify following the revocation feed. On SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createRemoteVerifier, type RemoteVerifier } from '@tessera/verify';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createOAuthClient } from './ops-support.js';
import { createTempPostgres, isCi, POSTGRES_MISSING, testPostgresUrl } from './support/db-postgres.js';
import { codeAt, secretOf } from './support/mfa-harness.js';
import {
  GOOD_PASSWORD,
  request,
  startTestServer,
  TEST_ISSUER,
  type TestServer,
  uniqueEmail,
} from './support/server-harness.js';
import { type SmtpSink, startSmtpSink } from './support/smtp-sink.js';

const ADMIN = { email: 'root@example.com', password: 'root password for erasure 1' };

type Row = Record<string, unknown>;

/** Every row of every table, read with the driver directly (not through the stores). */
async function allRows(databaseUrl: string): Promise<Record<string, Row[]>> {
  const out: Record<string, Row[]> = {};
  if (databaseUrl.startsWith('sqlite:')) {
    const db = new Database(databaseUrl.slice('sqlite:'.length), { readonly: true });
    try {
      const tables = db
        .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")
        .all() as Array<{ name: string }>;
      for (const { name } of tables) out[name] = db.prepare(`select * from "${name}"`).all() as Row[];
    } finally {
      db.close();
    }
    return out;
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tables = await client.query(
      "select table_name from information_schema.tables where table_schema = 'public'",
    );
    for (const { table_name: name } of tables.rows as Array<{ table_name: string }>) {
      out[name] = (await client.query(`select * from "${name}"`)).rows as Row[];
    }
  } finally {
    await client.end();
  }
  return out;
}

async function login(base: string, email: string, password = GOOD_PASSWORD) {
  const res = await request(base, 'POST', '/v1/auth/login', {
    body: { email, password, refresh_token_in_body: true },
  });
  assert.equal(res.status, 200, res.text);
  return res.body as { access_token: string; refresh_token: string };
}

const backends: Array<{ name: string; url?: () => Promise<{ url: string; dispose(): Promise<void> }> }> = [
  { name: 'sqlite' },
];
const pgUrl = testPostgresUrl();
if (pgUrl) backends.push({ name: 'postgres', url: () => createTempPostgres(pgUrl) });
else if (isCi()) throw new Error(POSTGRES_MISSING);

for (const backend of backends) {
  describe(`erasure on ${backend.name}`, () => {
    let t: TestServer;
    let smtp: SmtpSink;
    let databaseUrl: string;
    let dispose: (() => Promise<void>) | undefined;
    let verifier: RemoteVerifier;
    let admin: string;

    before(async () => {
      smtp = await startSmtpSink();
      const temp = backend.url ? await backend.url() : undefined;
      dispose = temp?.dispose;
      t = await startTestServer({
        env: {
          TESSERA_SMTP_URL: smtp.url,
          TESSERA_BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
          TESSERA_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
          TESSERA_LOG_LEVEL: 'warn',
          ...(temp ? { TESSERA_DATABASE_URL: temp.url } : {}),
        },
      });
      databaseUrl = temp?.url ?? `sqlite:${join(t.dir, 'tessera.db')}`;
      admin = (await login(t.url, ADMIN.email, ADMIN.password)).access_token;
      const client = await createOAuthClient(t.url, admin, ['revocations:read']);
      verifier = createRemoteVerifier({
        issuer: TEST_ISSUER,
        audience: 'tessera',
        jwksUri: `${t.url}/.well-known/jwks.json`,
        revocations: {
          url: `${t.url}/v1/revocations`,
          clientId: client.id,
          clientSecret: client.secret,
          transport: 'poll',
          pollIntervalMs: 100,
        },
      });
      await verifier.ready();
    });
    after(async () => {
      verifier.close();
      await t.stop(true);
      await smtp.close();
      await dispose?.();
    });

    test('export, then DELETE /v1/me: nothing of the user is left but the id in the audit trail', async () => {
      const email = uniqueEmail('leaving');
      const reg = await request(t.url, 'POST', '/v1/auth/register', {
        body: { email, password: GOOD_PASSWORD },
      });
      const id = reg.body.user.id as string;
      await smtp.waitFor((m) => m.to === email); // a verification token exists
      const first = await login(t.url, email);
      const second = await login(t.url, email);
      await request(t.url, 'POST', '/v1/auth/password/forgot', { body: { email } });
      await smtp.waitFor((m) => m.to === email && /Reset/.test(m.subject)); // and a reset token
      assert.equal((await verifier.verifyAsync(first.access_token)).payload.sub, id);
      // A second factor and recovery codes: rows of another feature that must go with the user.
      const enrol = await request(t.url, 'POST', '/v1/me/factors/totp', {
        token: first.access_token,
        body: {},
      });
      assert.equal(enrol.status, 201, enrol.text);
      const totpSecret = secretOf(enrol.body.otpauth_uri);
      const confirmed = await request(t.url, 'POST', `/v1/me/factors/totp/${enrol.body.id}/confirm`, {
        token: first.access_token,
        body: { code: codeAt(totpSecret, Date.now()) },
      });
      assert.equal(confirmed.status, 201, confirmed.text);

      const exported = await request(t.url, 'GET', '/v1/me/export', { token: first.access_token });
      assert.equal(exported.status, 200);
      assert.equal(exported.body.user.id, id);
      assert.equal(exported.body.user.email, email);
      assert.equal(exported.body.user.password_hash, undefined);
      assert.ok(!exported.text.includes('$argon2'), 'no password hash in the export');
      assert.equal(exported.body.sessions.length, 2);
      assert.ok(exported.body.audit.some((e: { event: string }) => e.event === 'login_succeeded'));
      assert.deepEqual(exported.body.mail_links.map((l: { kind: string }) => l.kind).sort(), [
        'reset_password',
        'verify_email',
      ]);
      assert.ok(!exported.text.includes(smtp.to(email)[0]?.token as string), 'no token in the export');
      assert.deepEqual(
        exported.body.factors.map((f: { id: string; type: string }) => [f.id, f.type]),
        [[enrol.body.id, 'totp']],
      );
      assert.equal(exported.body.recovery_codes_remaining, 10);
      assert.ok(!exported.text.includes(totpSecret), 'no factor secret in the export');
      assert.deepEqual(exported.body.user.claims, {});

      const before = await allRows(databaseUrl);
      assert.ok(JSON.stringify(before).includes(email));
      const factorTables = Object.entries(before)
        .filter(([table, list]) => /factor|recovery/.test(table) && JSON.stringify(list).includes(id))
        .map(([table]) => table);
      assert.ok(factorTables.length >= 2, `factor and recovery-code rows exist: ${factorTables}`);

      const wrong = await request(t.url, 'DELETE', '/v1/me', {
        token: first.access_token,
        body: { password: 'nope nope nope 1' },
      });
      assert.equal(wrong.status, 403);
      const missing = await request(t.url, 'DELETE', '/v1/me', { token: first.access_token, body: {} });
      assert.equal(missing.status, 400);
      const gone = await request(t.url, 'DELETE', '/v1/me', {
        token: first.access_token,
        body: { password: GOOD_PASSWORD },
      });
      assert.equal(gone.status, 204);

      const rows = await allRows(databaseUrl);
      for (const [table, list] of Object.entries(rows)) {
        for (const row of list) {
          const text = JSON.stringify(row);
          assert.ok(!text.includes(email), `${table} still holds the address: ${text}`);
          if (!text.includes(id)) continue;
          if (table === 'audit_events') {
            // Only the id is kept: no IP, no session, no details (user_erased keeps its count).
            assert.ok(row.sub === id || row.actor === id, text);
            assert.equal(row.ip, null, text);
            if (row.sub === id && row.event !== 'user_erased') {
              assert.equal(row.session_id, null, text);
              assert.equal(row.details, '{}', text);
            }
          } else if (table === 'revocations') {
            assert.equal(row.type, 'sub', text); // the revocation that kills their tokens
          } else {
            assert.fail(`${table} still holds a row of the user: ${text}`);
          }
        }
      }
      assert.ok(rows.audit_events?.some((r) => r.event === 'user_erased' && r.sub === id));

      for (const token of [first.access_token, second.access_token]) {
        const me = await request(t.url, 'GET', '/v1/me', { token });
        assert.equal(me.status, 401);
      }
      const refresh = await request(t.url, 'POST', '/v1/auth/refresh', {
        body: { refresh_token: second.refresh_token },
      });
      assert.equal(refresh.status, 401);
      assert.equal(
        (await request(t.url, 'POST', '/v1/auth/login', { body: { email, password: GOOD_PASSWORD } })).status,
        401,
      );
      // The verifier hears of it through the feed (polled every 100 ms).
      const deadline = Date.now() + 5000;
      let refused: unknown;
      while (Date.now() < deadline && !refused) {
        try {
          await verifier.verifyAsync(first.access_token);
          await new Promise((r) => setTimeout(r, 100));
        } catch (err) {
          refused = err;
        }
      }
      assert.match(String((refused as { code?: string })?.code), /^ERR_/, 'the verifier refuses the token');
      // The address is free again.
      const again = await request(t.url, 'POST', '/v1/auth/register', {
        body: { email, password: GOOD_PASSWORD },
      });
      assert.equal(again.status, 201);
      assert.notEqual(again.body.user.id, id);
    });

    test('DELETE /v1/admin/users/:id erases another user; the last admin cannot be erased', async () => {
      const email = uniqueEmail('removed');
      const reg = await request(t.url, 'POST', '/v1/auth/register', {
        body: { email, password: GOOD_PASSWORD },
      });
      const id = reg.body.user.id as string;
      const tokens = await login(t.url, email);
      const userCannot = await request(t.url, 'DELETE', `/v1/admin/users/${id}`, {
        token: tokens.access_token,
      });
      assert.equal(userCannot.status, 403);
      const res = await request(t.url, 'DELETE', `/v1/admin/users/${id}`, { token: admin });
      assert.equal(res.status, 204);
      assert.equal((await request(t.url, 'GET', '/v1/me', { token: tokens.access_token })).status, 401);
      assert.equal((await request(t.url, 'DELETE', `/v1/admin/users/${id}`, { token: admin })).status, 404);
      const rows = await allRows(databaseUrl);
      assert.ok(!JSON.stringify(rows).includes(email));
      const audit = await request(t.url, 'GET', `/v1/admin/audit?event=user_erased&sub=${id}`, {
        token: admin,
      });
      assert.equal(
        audit.body.events[0]?.actor,
        (await request(t.url, 'GET', '/v1/me', { token: admin })).body.sub,
      );

      const adminId = (await request(t.url, 'GET', '/v1/me', { token: admin })).body.sub;
      const last = await request(t.url, 'DELETE', `/v1/admin/users/${adminId}`, { token: admin });
      assert.equal(last.status, 400);
      assert.match(last.body.error_description, /last admin/);
    });
  });
}
