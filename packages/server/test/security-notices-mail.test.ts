// ASVS 6.3.6: the user is told by mail (over real SMTP) when an authentication factor of their
// account changes — their own password change, a reset by the mailed link, a second factor added or
// removed, new recovery codes. Each event sends exactly one notice, to the account's own address
// and nobody else; it names the change, the time and the origin, and carries no token, password,
// TOTP secret, recovery code or link. A refused change (wrong current password) sends nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  claimsOf,
  codeAt,
  type MfaTestServer,
  passwordStep,
  startMailedMfaServer,
  userWithTotp,
} from './support/mfa-harness.js';
import { GOOD_PASSWORD, request, uniqueEmail } from './support/server-harness.js';
import type { ReceivedMail, SmtpSink } from './support/smtp-sink.js';

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const NEW_PASSWORD = 'a brand new passphrase 77';
const VERIFY_SUBJECT = 'Confirm your email address';

describe('security notices', { timeout: 60_000 }, () => {
  let t: MfaTestServer;
  let smtp: SmtpSink;
  let mailed: Awaited<ReturnType<typeof startMailedMfaServer>> | undefined;

  before(async () => {
    mailed = await startMailedMfaServer();
    ({ t, smtp } = mailed);
  });
  after(() => mailed?.stop());

  /** Every mail the server queued has been delivered (the sink has parsed it) or abandoned. */
  const settled = () => t.server.ctx.services.lifecycle.mailIdle();

  /** Runs `event`; returns the mails it caused once the queue is empty. */
  async function mailsOf(event: () => Promise<void>): Promise<ReceivedMail[]> {
    await settled();
    const from = smtp.mails.length;
    await event();
    await settled();
    return smtp.mails.slice(from);
  }

  /** Exactly one mail, to `email`, with `subject`; its bodies hold none of `secrets` and no link. */
  function assertOneNotice(mails: ReceivedMail[], email: string, subject: string, secrets: string[]) {
    assert.deepEqual(
      mails.map((m) => [m.to, m.subject]),
      [[email, subject]],
      'one notice, to the account and nobody else',
    );
    const mail = mails[0] as ReceivedMail;
    assert.ok(mail.text.includes(email), 'names the account');
    assert.match(mail.text, /When: \d{4}-\d\d-\d\d \d\d:\d\d UTC\n/);
    assert.match(mail.text, /From: 127\.0\.0\.1 \(/);
    assert.match(mail.text, /contact your administrator/);
    for (const body of [mail.text, mail.html]) {
      assert.doesNotMatch(body, /token=|href=/i, 'no link that acts');
      for (const secret of secrets) assert.equal(body.includes(secret), false, `no secret (${secret})`);
    }
    return mail;
  }

  async function registered(prefix: string) {
    const email = uniqueEmail(prefix);
    const reg = await request(t.url, 'POST', '/v1/auth/register', {
      body: { email, password: GOOD_PASSWORD },
    });
    assert.equal(reg.status, 201, reg.text);
    const login = await request(t.url, 'POST', '/v1/auth/login', {
      body: { email, password: GOOD_PASSWORD },
    });
    assert.equal(login.status, 200, login.text);
    // The verification mail (queued a few ms after the answer) is not part of what follows.
    await smtp.waitFor((m) => m.to === email && m.subject === VERIFY_SUBJECT);
    await settled();
    return { email, token: login.body.access_token as string };
  }

  /** Password and TOTP again: a token whose second factor is fresh (for codes and removal). */
  async function freshToken(u: { email: string; secret: string }): Promise<string> {
    t.clock.advance(30_000);
    const step = await passwordStep(t, u.email);
    const ok = await request(t.url, 'POST', '/v1/auth/mfa', {
      body: { mfa_token: step.body.mfa_token, method: 'totp', code: codeAt(u.secret, t.clock.now()) },
    });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(claimsOf(ok.body.access_token).amr, ['otp', 'pwd', 'mfa']);
    return ok.body.access_token;
  }

  test('a wrong current password changes nothing and mails nothing', async () => {
    const u = await registered('pw-wrong');
    const mails = await mailsOf(async () => {
      const res = await request(t.url, 'POST', '/v1/auth/password', {
        token: u.token,
        body: { current_password: 'not the password 123', new_password: NEW_PASSWORD },
      });
      assert.equal(res.status, 403, res.text);
    });
    assert.deepEqual(mails, []);
  });

  test('own password change: one "password changed" notice with time, IP and device', async () => {
    const u = await registered('pw-change');
    const bystander = await registered('pw-bystander');
    const mails = await mailsOf(async () => {
      const res = await request(t.url, 'POST', '/v1/auth/password', {
        token: u.token,
        headers: { 'user-agent': FIREFOX },
        body: { current_password: GOOD_PASSWORD, new_password: NEW_PASSWORD },
      });
      assert.equal(res.status, 204, res.text);
    });
    const mail = assertOneNotice(mails, u.email, 'Your password was changed', [
      GOOD_PASSWORD,
      NEW_PASSWORD,
      u.token,
    ]);
    assert.match(mail.text, /password of the account \S+ was changed/);
    assert.match(mail.text, /From: 127\.0\.0\.1 \(Firefox on Linux\)/);
    assert.match(mail.html, /Firefox on Linux/);
    assert.equal(smtp.to(bystander.email).length, 1, 'the bystander got only their verification mail');
  });

  test('a User-Agent cannot put a lure into the notice', async () => {
    const u = await registered('pw-lure');
    const lure = 'Undo-this at https://evil.example/undo?token=abc (support)';
    const mails = await mailsOf(async () => {
      const res = await request(t.url, 'POST', '/v1/auth/password', {
        token: u.token,
        headers: { 'user-agent': lure },
        body: { current_password: GOOD_PASSWORD, new_password: NEW_PASSWORD },
      });
      assert.equal(res.status, 204, res.text);
    });
    const mail = assertOneNotice(mails, u.email, 'Your password was changed', [NEW_PASSWORD]);
    assert.doesNotMatch(mail.text + mail.html, /evil|https:/);
    assert.match(mail.text, /\(a program calling itself Undo-this\)/);
  });

  test('password reset by the mailed link: one notice, without the token or the password', async () => {
    const u = await registered('pw-reset');
    const forgot = await request(t.url, 'POST', '/v1/auth/password/forgot', { body: { email: u.email } });
    assert.equal(forgot.status, 202);
    const link = await smtp.waitFor((m) => m.to === u.email && m.subject === 'Reset your password');
    assert.ok(link.token);
    const mails = await mailsOf(async () => {
      const res = await request(t.url, 'POST', '/v1/auth/password/reset', {
        body: { token: link.token, password: NEW_PASSWORD },
      });
      assert.equal(res.status, 204, res.text);
    });
    const mail = assertOneNotice(mails, u.email, 'Your password was replaced', [
      link.token as string,
      NEW_PASSWORD,
    ]);
    assert.match(mail.text, /replaced through a password reset link/);
    assert.match(mail.text, /secure your mailbox/);
  });

  test('a second factor added: one notice naming its kind, without the secret or the codes', async () => {
    let enrolled: Awaited<ReturnType<typeof userWithTotp>> | undefined;
    const email = uniqueEmail('totp-add');
    const mails = await mailsOf(async () => {
      enrolled = await userWithTotp(t, email);
    });
    const u = enrolled as NonNullable<typeof enrolled>;
    // Besides registration's verification mail, the notice alone (the first factor's recovery codes
    // bring no notice of their own).
    const others = mails.filter((m) => !(m.to === email && m.subject === VERIFY_SUBJECT));
    assert.ok(mails.length - others.length <= 1);
    const mail = assertOneNotice(others, email, 'A second factor was added to your account', [
      u.secret,
      ...u.recoveryCodes,
      u.accessToken,
    ]);
    assert.match(mail.text, /A second factor was added to the account \S+: an authenticator app \(TOTP\)\./);
  });

  test('recovery codes regenerated: one notice, without the codes', async () => {
    const u = await userWithTotp(t);
    const token = await freshToken(u);
    let codes: string[] = [];
    const mails = await mailsOf(async () => {
      const res = await request(t.url, 'POST', '/v1/me/recovery-codes', { token });
      assert.equal(res.status, 201, res.text);
      codes = res.body.recovery_codes;
    });
    assert.equal(codes.length, 10);
    const mail = assertOneNotice(mails, u.email, 'New recovery codes were made for your account', [
      ...codes,
      ...u.recoveryCodes,
      u.secret,
    ]);
    assert.match(mail.text, /previous ones no longer work/);
  });

  test('a second factor removed: one notice; an abandoned enrolment removed: none', async () => {
    const u = await userWithTotp(t);
    const token = await freshToken(u);
    // An enrolment started and never confirmed is not a factor: removing it mails nothing.
    const pending = await request(t.url, 'POST', '/v1/me/factors/totp', { token, body: {} });
    assert.equal(pending.status, 201);
    const quiet = await mailsOf(async () => {
      const res = await request(t.url, 'DELETE', `/v1/me/factors/${pending.body.id}`, { token });
      assert.equal(res.status, 204, res.text);
    });
    assert.deepEqual(quiet, []);

    const mails = await mailsOf(async () => {
      const res = await request(t.url, 'DELETE', `/v1/me/factors/${u.factorId}`, { token });
      assert.equal(res.status, 204, res.text);
    });
    const mail = assertOneNotice(mails, u.email, 'A second factor was removed from your account', [
      u.secret,
      token,
    ]);
    assert.match(
      mail.text,
      /A second factor was removed from the account \S+: an authenticator app \(TOTP\)\./,
    );
  });
});
