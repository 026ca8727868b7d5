// Second factors over real HTTP on SQLite: TOTP enrolment and the two-step login, attacked from the
// outside (wrong, replayed, out-of-window and brute-forced codes; mfa_token reuse, expiry and
// cross-user use), recovery codes, refresh keeping amr, and removal needing a fresh factor.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import {
  claimsOf,
  codeAt,
  type MfaTestServer,
  passwordStep,
  secretOf,
  startMfaServer,
  userWithTotp,
} from './support/mfa-harness.js';
import { GOOD_PASSWORD, refreshCookie, request } from './support/server-harness.js';

describe('TOTP and the two-step login', () => {
  let t: MfaTestServer;
  before(async () => {
    t = await startMfaServer();
  });
  after(async () => {
    await t.stop();
  });

  test('enrolment returns an otpauth URI and an SVG QR code; the secret is sealed at rest', async () => {
    const u = await userWithTotp(t);
    const enrol = await request(t.url, 'POST', '/v1/me/factors/totp', {
      token: u.accessToken,
      body: { name: 'phone' },
    });
    assert.equal(enrol.status, 201);
    assert.match(enrol.body.otpauth_uri, /^otpauth:\/\/totp\/tessera\.test:/);
    assert.match(enrol.body.qr_svg, /<svg[^>]*>[\s\S]*<\/svg>/);
    const secret = secretOf(enrol.body.otpauth_uri);
    const dbFile = join(t.server.ctx.config.databaseUrl.slice('sqlite:'.length));
    const db = new Database(dbFile, { readonly: true });
    try {
      const row = db.prepare('select secret_enc from mfa_factors where id = ?').get(enrol.body.id) as {
        secret_enc: string;
      };
      assert.match(row.secret_enc, /^tsk2\./);
      assert.ok(!row.secret_enc.includes(secret), 'the secret is not stored in plain');
    } finally {
      db.close();
    }
    // Unconfirmed, it does not count: a wrong first code is refused and the factor stays pending.
    const wrong = await request(t.url, 'POST', `/v1/me/factors/totp/${enrol.body.id}/confirm`, {
      token: u.accessToken,
      body: { code: '000000' === codeAt(secret, t.clock.now()) ? '111111' : '000000' },
    });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, 'invalid_factor');
    const list = await request(t.url, 'GET', '/v1/me/factors', { token: u.accessToken });
    assert.deepEqual(
      list.body.factors.map((f: { name: string; confirmed: boolean }) => [f.name, f.confirmed]),
      [
        ['Authenticator app', true],
        ['phone', false],
      ],
    );
    assert.equal(list.body.recovery_codes_remaining, 10);
  });

  test('with TOTP enrolled, the password step answers 401 mfa_required and no token or cookie', async () => {
    const u = await userWithTotp(t);
    const res = await passwordStep(t, u.email);
    assert.equal(res.status, 401);
    assert.equal(res.body.error, 'mfa_required');
    assert.match(res.body.mfa_token, /^[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(res.body.methods, ['totp', 'recovery_code']);
    assert.equal(res.body.access_token, undefined);
    assert.equal(refreshCookie(res), undefined);
    // The mfa_token is not an access token.
    const me = await request(t.url, 'GET', '/v1/me', { token: res.body.mfa_token });
    assert.equal(me.status, 401);
  });

  test('a wrong code is refused; the right one completes sign-in with amr and auth_time', async () => {
    const u = await userWithTotp(t);
    const step = await passwordStep(t, u.email);
    const good = codeAt(u.secret, t.clock.now());
    const wrong = await request(t.url, 'POST', '/v1/auth/mfa', {
      body: { mfa_token: step.body.mfa_token, method: 'totp', code: good === '123456' ? '654321' : '123456' },
    });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, 'invalid_factor');
    const ok = await request(t.url, 'POST', '/v1/auth/mfa', {
      body: { mfa_token: step.body.mfa_token, method: 'totp', code: good },
    });
    assert.equal(ok.status, 200, ok.text);
    assert.ok(refreshCookie(ok), 'the refresh cookie is set like login');
    const claims = claimsOf(ok.body.access_token);
    assert.deepEqual(claims.amr, ['otp', 'pwd', 'mfa']);
    assert.equal(claims.auth_time, Math.floor(t.clock.now() / 1000));
  });

  test('a code already used in its window is refused (replay), even through a new mfa_token', async () => {
    const u = await userWithTotp(t);
    const code = codeAt(u.secret, t.clock.now());
    const first = await passwordStep(t, u.email);
    const ok = await request(t.url, 'POST', '/v1/auth/mfa', {
      body: { mfa_token: first.body.mfa_token, method: 'totp', code },
    });
    assert.equal(ok.status, 200);
    const second = await passwordStep(t, u.email);
    const replay = await request(t.url, 'POST', '/v1/auth/mfa', {
      body: { mfa_token: second.body.mfa_token, method: 'totp', code },
    });
    assert.equal(replay.status, 401);
    assert.equal(replay.body.error, 'invalid_factor');
    // And an older step than the one used is refused too, though still inside the drift.
    const older = await request(t.url, 'POST', '/v1/auth/mfa', {
      body: {
        mfa_token: second.body.mfa_token,
        method: 'totp',
        code: codeAt(u.secret, t.clock.now() - 30_000),
      },
    });
    assert.equal(older.status, 401);
  });

  test('codes of the previous and next step are accepted; two steps away are not', async () => {
    const u = await userWithTotp(t);
    // Two steps past the confirming code, so the previous step is one nobody used yet.
    t.clock.advance(30_000);
    const now = t.clock.now();
    const tryCode = async (code: string) => {
      const step = await passwordStep(t, u.email);
      return request(t.url, 'POST', '/v1/auth/mfa', {
        body: { mfa_token: step.body.mfa_token, method: 'totp', code },
      });
    };
    assert.equal((await tryCode(codeAt(u.secret, now - 60_000))).status, 401, 'two steps behind');
    assert.equal((await tryCode(codeAt(u.secret, now + 60_000))).status, 401, 'two steps ahead');
    assert.equal((await tryCode(codeAt(u.secret, now - 30_000))).status, 200, 'previous step');
    assert.equal((await tryCode(codeAt(u.secret, now + 30_000))).status, 200, 'next step');
  });

  test('guessing codes is limited like passwords: the 6th attempt after 5 failures gets 429, even with the right code', async () => {
    const u = await userWithTotp(t);
    const step = await passwordStep(t, u.email);
    const good = codeAt(u.secret, t.clock.now());
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const guess = String(100000 + i * 7919);
      const res = await request(t.url, 'POST', '/v1/auth/mfa', {
        body: { mfa_token: step.body.mfa_token, method: 'totp', code: guess === good ? '999999' : guess },
      });
      statuses.push(res.status);
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
    const right = await request(t.url, 'POST', '/v1/auth/mfa', {
      body: { mfa_token: step.body.mfa_token, method: 'totp', code: good },
    });
    assert.equal(right.status, 429);
    assert.ok(Number(right.headers.get('retry-after')) > 0);
    // A new mfa_token does not reset the count: the limit is the user's.
    const again = await passwordStep(t, u.email);
    const still = await request(t.url, 'POST', '/v1/auth/mfa', {
      body: { mfa_token: again.body.mfa_token, method: 'totp', code: good },
    });
    assert.equal(still.status, 429);
  });

  test('an mfa_token is single-use, expires, and only ever completes its own user', async () => {
    const a = await userWithTotp(t);
    const b = await userWithTotp(t);
    const stepA = await passwordStep(t, a.email);
    // B's valid code does not complete A's sign-in.
    const cross = await request(t.url, 'POST', '/v1/auth/mfa', {
      body: { mfa_token: stepA.body.mfa_token, method: 'totp', code: codeAt(b.secret, t.clock.now()) },
    });
    assert.equal(cross.status, 401);
    const ok = await request(t.url, 'POST', '/v1/auth/mfa', {
      body: { mfa_token: stepA.body.mfa_token, method: 'totp', code: codeAt(a.secret, t.clock.now()) },
    });
    assert.equal(ok.status, 200);
    assert.equal(claimsOf(ok.body.access_token).sub, a.userId);
    // Used twice: refused (with a fresh, valid code).
    const twice = await request(t.url, 'POST', '/v1/auth/mfa', {
      body: {
        mfa_token: stepA.body.mfa_token,
        method: 'totp',
        code: codeAt(a.secret, t.clock.now() + 30_000),
      },
    });
    assert.equal(twice.status, 401);
    assert.equal(twice.body.error, 'invalid_mfa_token');
    // Expired: five minutes later.
    const stepB = await passwordStep(t, b.email);
    t.clock.advance(5 * 60_000 + 1000);
    const late = await request(t.url, 'POST', '/v1/auth/mfa', {
      body: { mfa_token: stepB.body.mfa_token, method: 'totp', code: codeAt(b.secret, t.clock.now()) },
    });
    assert.equal(late.status, 401);
    assert.equal(late.body.error, 'invalid_mfa_token');
    // A made-up token is the same 401.
    const forged = await request(t.url, 'POST', '/v1/auth/mfa', {
      body: { mfa_token: 'x'.repeat(43), method: 'totp', code: '123456' },
    });
    assert.equal(forged.body.error, 'invalid_mfa_token');
  });

  test('a recovery code works once; regenerating kills the old ones', async () => {
    const u = await userWithTotp(t);
    assert.equal(u.recoveryCodes.length, 10);
    assert.equal(new Set(u.recoveryCodes).size, 10);
    const [code, other] = u.recoveryCodes as [string, string];
    const use = async (c: string) => {
      const step = await passwordStep(t, u.email);
      return request(t.url, 'POST', '/v1/auth/mfa', {
        body: { mfa_token: step.body.mfa_token, method: 'recovery_code', code: c },
      });
    };
    const first = await use(code.toLowerCase().replace(/-/g, ' '));
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(claimsOf(first.body.access_token).amr, ['otp', 'pwd', 'mfa']);
    assert.equal((await use(code)).status, 401, 'second use of the same code');
    // Regenerating needs a recent second factor: the session from the recovery code has one.
    const regen = await request(t.url, 'POST', '/v1/me/recovery-codes', { token: first.body.access_token });
    assert.equal(regen.status, 201);
    assert.equal(regen.body.recovery_codes.length, 10);
    assert.equal((await use(other)).status, 401, 'an old code died with the regeneration');
    assert.equal((await use(regen.body.recovery_codes[0])).status, 200);
    // A password-only token (from before enrolment) cannot mint codes: RFC 9470 challenge.
    const stale = await request(t.url, 'POST', '/v1/me/recovery-codes', { token: u.accessToken });
    assert.equal(stale.status, 401);
    assert.match(
      stale.headers.get('www-authenticate') ?? '',
      /error="insufficient_user_authentication".*max_age=300/,
    );
  });

  test('refresh keeps the session amr and auth_time', async () => {
    const u = await userWithTotp(t);
    const step = await passwordStep(t, u.email, { refresh_token_in_body: true });
    const ok = await request(t.url, 'POST', '/v1/auth/mfa', {
      body: { mfa_token: step.body.mfa_token, method: 'totp', code: codeAt(u.secret, t.clock.now()) },
    });
    assert.ok(ok.body.refresh_token, 'refresh_token_in_body carries over from the password step');
    const before = claimsOf(ok.body.access_token);
    t.clock.advance(60_000);
    const refreshed = await request(t.url, 'POST', '/v1/auth/refresh', {
      body: { refresh_token: ok.body.refresh_token },
    });
    assert.equal(refreshed.status, 200, refreshed.text);
    const afterClaims = claimsOf(refreshed.body.access_token);
    assert.deepEqual(afterClaims.amr, before.amr);
    assert.equal(afterClaims.auth_time, before.auth_time);
    assert.ok((afterClaims.iat as number) > (before.iat as number));
  });

  test('step-up re-checks a factor and returns a token with a new auth_time', async () => {
    const u = await userWithTotp(t);
    t.clock.advance(10 * 60_000);
    const res = await request(t.url, 'POST', '/v1/auth/step-up', {
      token: u.accessToken,
      body: { method: 'totp', code: codeAt(u.secret, t.clock.now()) },
    });
    assert.equal(res.status, 200, res.text);
    const claims = claimsOf(res.body.access_token);
    assert.equal(claims.auth_time, Math.floor(t.clock.now() / 1000));
    assert.deepEqual(claims.amr, ['otp', 'pwd', 'mfa']);
    assert.equal(claims.sid, claimsOf(u.accessToken).sid);
    const bad = await request(t.url, 'POST', '/v1/auth/step-up', {
      token: u.accessToken,
      body: { method: 'totp', code: codeAt(u.secret, t.clock.now()) },
    });
    assert.equal(bad.status, 401, 'the same code twice');
    const anon = await request(t.url, 'POST', '/v1/auth/step-up', {
      body: { method: 'totp', code: '123456' },
    });
    assert.equal(anon.status, 401);
  });

  test('removing the last factor needs a fresh second factor; then login is one step again', async () => {
    const u = await userWithTotp(t);
    const stale = await request(t.url, 'DELETE', `/v1/me/factors/${u.factorId}`, { token: u.accessToken });
    assert.equal(stale.status, 401);
    assert.equal(stale.body.error, 'insufficient_user_authentication');
    const up = await request(t.url, 'POST', '/v1/auth/step-up', {
      token: u.accessToken,
      body: { method: 'totp', code: codeAt(u.secret, t.clock.now()) },
    });
    t.clock.advance(6 * 60_000);
    const late = await request(t.url, 'DELETE', `/v1/me/factors/${u.factorId}`, {
      token: up.body.access_token,
    });
    assert.equal(late.status, 401, 'the step-up is older than five minutes');
    const up2 = await request(t.url, 'POST', '/v1/auth/step-up', {
      token: u.accessToken,
      body: { method: 'totp', code: codeAt(u.secret, t.clock.now()) },
    });
    const del = await request(t.url, 'DELETE', `/v1/me/factors/${u.factorId}`, {
      token: up2.body.access_token,
    });
    assert.equal(del.status, 204);
    const login = await passwordStep(t, u.email);
    assert.equal(login.status, 200);
    // The recovery codes went with the last factor.
    const list = await request(t.url, 'GET', '/v1/me/factors', { token: login.body.access_token });
    assert.deepEqual(list.body, { factors: [], recovery_codes_remaining: 0 });
  });

  test('expired challenges are swept; unfinished enrolments are capped per account', async () => {
    const u = await userWithTotp(t);
    const countChallenges = () => {
      const db = new Database(t.server.ctx.config.databaseUrl.slice('sqlite:'.length), { readonly: true });
      try {
        return (
          db.prepare('select count(*) as n from mfa_challenges where expires_at <= ?').get(t.clock.now()) as {
            n: number;
          }
        ).n;
      } finally {
        db.close();
      }
    };
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      statuses.push(
        (await request(t.url, 'POST', '/v1/me/factors/totp', { token: u.accessToken, body: {} })).status,
      );
    }
    assert.deepEqual(statuses, [...Array(19).fill(201), 400]);

    await passwordStep(t, u.email);
    t.clock.advance(16 * 60_000);
    assert.ok(countChallenges() >= 1, 'an expired mfa_token row exists');
    await passwordStep(t, u.email); // making a new challenge sweeps the expired ones
    assert.equal(countChallenges(), 0);
  });

  test('deleting a user row takes their factors, recovery codes, challenges and session auth (FK cascade)', async () => {
    const u = await userWithTotp(t);
    await passwordStep(t, u.email); // a live mfa_token row
    const db = new Database(t.server.ctx.config.databaseUrl.slice('sqlite:'.length));
    try {
      db.pragma('foreign_keys = ON');
      const count = (table: string) =>
        (db.prepare(`select count(*) as n from ${table} where user_id = ?`).get(u.userId) as { n: number }).n;
      assert.ok(count('mfa_factors') > 0 && count('mfa_recovery_codes') > 0 && count('mfa_challenges') > 0);
      db.prepare('delete from users where id = ?').run(u.userId);
      assert.deepEqual(['mfa_factors', 'mfa_recovery_codes', 'mfa_challenges'].map(count), [0, 0, 0]);
    } finally {
      db.close();
    }
  });

  test('malformed second-factor input is a 400 naming the field', async () => {
    const bad = await request(t.url, 'POST', '/v1/auth/mfa', {
      body: { mfa_token: 'x', method: 'sms', code: '1' },
    });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error_description, /method/);
    const noCode = await request(t.url, 'POST', '/v1/auth/mfa', { body: { mfa_token: 'x', method: 'totp' } });
    assert.equal(noCode.status, 400);
    assert.match(noCode.body.error_description, /code/);
  });
});

describe('TESSERA_MFA_REQUIRED_ROLES and the admin reset', () => {
  let t: MfaTestServer;
  const adminEmail = 'root@example.com';
  let adminSecret = ''; // enrolled by the first test, used by the second
  before(async () => {
    t = await startMfaServer({
      TESSERA_MFA_REQUIRED_ROLES: 'admin',
      TESSERA_BOOTSTRAP_ADMIN_EMAIL: adminEmail,
      TESSERA_BOOTSTRAP_ADMIN_PASSWORD: GOOD_PASSWORD,
    });
  });
  after(async () => {
    await t.stop();
  });

  test('an admin without a factor gets no token, only an enrolment token; enrolling completes sign-in', async () => {
    const step = await passwordStep(t, adminEmail);
    assert.equal(step.status, 401);
    assert.equal(step.body.error, 'mfa_enrollment_required');
    assert.equal(step.body.access_token, undefined);
    assert.equal(refreshCookie(step), undefined);
    const enrolToken = step.body.mfa_token as string;
    // The enrolment token opens nothing else: not /v1/me, not the factor list, not /v1/auth/mfa.
    assert.equal((await request(t.url, 'GET', '/v1/me', { token: enrolToken })).status, 401);
    assert.equal((await request(t.url, 'GET', '/v1/me/factors', { token: enrolToken })).status, 401);
    const asLogin = await request(t.url, 'POST', '/v1/auth/mfa', {
      body: { mfa_token: enrolToken, method: 'totp', code: '123456' },
    });
    assert.equal(asLogin.body.error, 'invalid_mfa_token');

    const enrol = await request(t.url, 'POST', '/v1/me/factors/totp', { body: { mfa_token: enrolToken } });
    assert.equal(enrol.status, 201, enrol.text);
    const secret = secretOf(enrol.body.otpauth_uri);
    adminSecret = secret;
    const confirm = await request(t.url, 'POST', `/v1/me/factors/totp/${enrol.body.id}/confirm`, {
      body: { mfa_token: enrolToken, code: codeAt(secret, t.clock.now()) },
    });
    assert.equal(confirm.status, 201, confirm.text);
    assert.ok(confirm.body.access_token);
    assert.equal(confirm.body.recovery_codes.length, 10);
    assert.deepEqual(claimsOf(confirm.body.access_token).amr, ['otp', 'pwd', 'mfa']);
    // The enrolment token is spent.
    const again = await request(t.url, 'POST', '/v1/me/factors/totp', { body: { mfa_token: enrolToken } });
    assert.equal(again.status, 401);
    // Next sign-in: the ordinary second step.
    t.clock.advance(30_000);
    const next = await passwordStep(t, adminEmail);
    assert.equal(next.body.error, 'mfa_required');
  });

  test('an admin lists and resets a user factors (audited); the user then signs in with the password', async () => {
    const step = await passwordStep(t, adminEmail);
    const adminLogin = await request(t.url, 'POST', '/v1/auth/mfa', {
      body: { mfa_token: step.body.mfa_token, method: 'totp', code: codeAt(adminSecret, t.clock.now()) },
    });
    assert.equal(adminLogin.status, 200, adminLogin.text);
    const adminToken = adminLogin.body.access_token as string;

    const u = await userWithTotp(t);
    const list = await request(t.url, 'GET', `/v1/admin/users/${u.userId}/factors`, { token: adminToken });
    assert.equal(list.status, 200);
    assert.equal(list.body.factors.length, 1);
    assert.equal(list.body.factors[0].type, 'totp');
    const forbidden = await request(t.url, 'DELETE', `/v1/admin/users/${u.userId}/factors`, {
      token: u.accessToken,
    });
    assert.equal(forbidden.status, 403);
    const reset = await request(t.url, 'DELETE', `/v1/admin/users/${u.userId}/factors`, {
      token: adminToken,
    });
    assert.equal(reset.status, 200);
    assert.equal(reset.body.removed, 1);
    const audit = await request(t.url, 'GET', `/v1/admin/audit?event=mfa_factors_reset&sub=${u.userId}`, {
      token: adminToken,
    });
    assert.equal(audit.body.events.length, 1, audit.text);
    const login = await passwordStep(t, u.email);
    assert.equal(login.status, 200);
    const missing = await request(t.url, 'DELETE', '/v1/admin/users/u_nobody/factors', { token: adminToken });
    assert.equal(missing.status, 404);
  });
});
