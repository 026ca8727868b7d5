// Every account-mail flow end to end over real HTTP and real SMTP (an in-process smtp-server, mail
// read back with mailparser): the link in the received mail is what completes the flow, through
// the server-rendered page or the JSON API. Then the attacks on reset links: used twice, expired,
// superseded, of another kind or another user.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  GOOD_PASSWORD,
  request,
  startTestServer,
  TEST_ISSUER,
  type TestServer,
  uniqueEmail,
} from './support/server-harness.js';
import { type ReceivedMail, type SmtpSink, startSmtpSink } from './support/smtp-sink.js';

const ADMIN = { email: 'admin@example.com', password: 'admin password for mail tests 1' };
const NEW_PASSWORD = 'a brand new passphrase 77';

let offsetMs = 0;
const clock = { now: () => Date.now() + offsetMs };

describe('account mail flows over real SMTP', () => {
  let t: TestServer;
  let smtp: SmtpSink;

  before(async () => {
    smtp = await startSmtpSink();
    t = await startTestServer({
      clock,
      env: {
        TESSERA_SMTP_URL: smtp.url,
        TESSERA_MAIL_FROM: 'Tessera Test <auth@tessera.test>',
        TESSERA_REQUIRE_EMAIL_VERIFICATION: 'true',
        TESSERA_MAIL_LIMIT_IP: '10000/15m',
        TESSERA_MAIL_LIMIT_ADDRESS: '1000/15m',
        TESSERA_LOGIN_LIMIT_IP: '10000/15m',
        TESSERA_BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
        TESSERA_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
        TESSERA_LOG_LEVEL: 'info',
      },
    });
  });
  after(async () => {
    await t.stop(true);
    await smtp.close();
  });

  /** The mail's link, pointed at the test server (the mail names the public URL). */
  function local(mail: ReceivedMail): string {
    assert.ok(mail.link, `a link in: ${mail.text}`);
    assert.ok(mail.link.startsWith(`${TEST_ISSUER}/console/`), mail.link);
    const url = new URL(mail.link);
    return `${t.url}${url.pathname}${url.search}`;
  }

  async function postForm(url: string, fields: Record<string, string>) {
    const res = await fetch(url.split('?')[0] as string, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
  }

  async function login(email: string, password = GOOD_PASSWORD) {
    return request(t.url, 'POST', '/v1/auth/login', {
      body: { email, password, refresh_token_in_body: true },
    });
  }

  async function registerVerified(email = uniqueEmail('flow')): Promise<string> {
    const reg = await request(t.url, 'POST', '/v1/auth/register', {
      body: { email, password: GOOD_PASSWORD },
    });
    assert.equal(reg.status, 202);
    const mail = await smtp.waitFor((m) => m.to === email && /Confirm your email/.test(m.subject));
    const verified = await request(t.url, 'POST', '/v1/auth/verify-email', { body: { token: mail.token } });
    assert.equal(verified.status, 204);
    return email;
  }

  async function forgot(email: string): Promise<ReceivedMail> {
    const before = smtp.to(email).length;
    const res = await request(t.url, 'POST', '/v1/auth/password/forgot', { body: { email } });
    assert.equal(res.status, 202);
    await smtp.waitFor((m) => m.to === email && smtp.to(email).length > before && /Reset/.test(m.subject));
    return smtp.to(email).at(-1) as ReceivedMail;
  }

  test('register → verification mail → the link page confirms → login works (and not before)', async () => {
    const email = uniqueEmail('verify');
    const reg = await request(t.url, 'POST', '/v1/auth/register', {
      body: { email, password: GOOD_PASSWORD },
    });
    assert.equal(reg.status, 202);
    const early = await login(email);
    assert.equal(early.status, 403);
    assert.equal(early.body.error, 'email_not_verified');

    const mail = await smtp.waitFor((m) => m.to === email);
    assert.equal(mail.subject, 'Confirm your email address');
    assert.equal(mail.parsed.from?.text, '"Tessera Test" <auth@tessera.test>');
    assert.match(mail.html, /<a href="http:\/\/tessera\.test\/console\/verify-email\?token=/);
    assert.match(mail.text, /expires in 24 hours/);

    // Opening the link only shows a form (scanners prefetch links); the POST spends the token.
    const page = await fetch(local(mail));
    const html = await page.text();
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(html, /<form method="post">/);
    assert.equal((await login(email)).status, 403, 'GET alone verifies nothing');

    const done = await postForm(local(mail), { token: mail.token as string });
    assert.equal(done.status, 200);
    assert.match(done.text, /is confirmed/);
    assert.equal((await login(email)).status, 200);

    const again = await postForm(local(mail), { token: mail.token as string });
    assert.equal(again.status, 400, 'the link works once');
    assert.match(again.text, /invalid, expired or already used/);
  });

  test('register answers 202 alike for a taken address; the owner is told by mail', async () => {
    const email = await registerVerified();
    const fresh = await request(t.url, 'POST', '/v1/auth/register', {
      body: { email: uniqueEmail('fresh'), password: GOOD_PASSWORD },
    });
    const taken = await request(t.url, 'POST', '/v1/auth/register', {
      body: { email, password: 'another good password 9' },
    });
    assert.equal(taken.status, 202);
    assert.equal(fresh.status, 202);
    assert.deepEqual(taken.body, fresh.body);
    const notice = await smtp.waitFor((m) => m.to === email && /tried to register/.test(m.subject));
    assert.equal(notice.token, undefined, 'the notice carries no token');
    // The original password still works; the attempt changed nothing.
    assert.equal((await login(email)).status, 200);
  });

  test('resend sends a new link to an unverified address, and the old link dies', async () => {
    const email = uniqueEmail('resend');
    await request(t.url, 'POST', '/v1/auth/register', { body: { email, password: GOOD_PASSWORD } });
    const first = await smtp.waitFor((m) => m.to === email);
    const res = await request(t.url, 'POST', '/v1/auth/verify-email/resend', { body: { email } });
    assert.equal(res.status, 202);
    await smtp.waitFor(() => smtp.to(email).length === 2);
    const second = smtp.to(email)[1] as ReceivedMail;
    assert.notEqual(second.token, first.token);
    const old = await request(t.url, 'POST', '/v1/auth/verify-email', { body: { token: first.token } });
    assert.equal(old.status, 400);
    const ok = await request(t.url, 'POST', '/v1/auth/verify-email', { body: { token: second.token } });
    assert.equal(ok.status, 204);
  });

  test('forgot → reset mail → the page sets the password, every session is revoked, audited', async () => {
    const email = await registerVerified();
    const session = await login(email);
    assert.equal(session.status, 200);
    const mail = await forgot(email);
    assert.match(mail.text, /expires in 30 minutes/);

    const weak = await postForm(local(mail), { token: mail.token as string, password: 'password' });
    assert.equal(weak.status, 400);
    assert.match(weak.text, /<form/, 'a refused password shows the form again');
    const done = await postForm(local(mail), { token: mail.token as string, password: NEW_PASSWORD });
    assert.equal(done.status, 200, done.text);
    assert.match(done.text, /Password changed/);

    const me = await request(t.url, 'GET', '/v1/me', { token: session.body.access_token });
    assert.equal(me.status, 401, 'the access token of the old session is revoked');
    const refresh = await request(t.url, 'POST', '/v1/auth/refresh', {
      body: { refresh_token: session.body.refresh_token },
    });
    assert.equal(refresh.status, 401, 'the refresh token of the old session is revoked');
    assert.equal((await login(email)).status, 401, 'the old password is gone');
    const fresh = await login(email, NEW_PASSWORD);
    assert.equal(fresh.status, 200);

    const adminLogin = await login(ADMIN.email, ADMIN.password);
    const audit = await request(t.url, 'GET', '/v1/admin/audit?event=password_reset', {
      token: adminLogin.body.access_token,
    });
    assert.equal(audit.status, 200);
    assert.ok(
      audit.body.events.some(
        (e: { details: { sessions_revoked: number } }) => e.details.sessions_revoked >= 1,
      ),
    );
  });

  test('reset links: used twice, expired, superseded, another kind, another user — all refused', async () => {
    const alice = await registerVerified();
    const bob = await registerVerified();
    const reset = (token: string | undefined, password = NEW_PASSWORD) =>
      request(t.url, 'POST', '/v1/auth/password/reset', { body: { token, password } });

    // Used twice.
    const once = await forgot(alice);
    assert.equal((await reset(once.token)).status, 204);
    const twice = await reset(once.token, 'yet another passphrase 3');
    assert.equal(twice.status, 400);
    assert.equal(twice.body.error, 'invalid_request');
    assert.equal((await login(alice, NEW_PASSWORD)).status, 200, 'the second use changed nothing');

    // Superseded: only the newest link works.
    const older = await forgot(bob);
    const newer = await forgot(bob);
    assert.equal((await reset(older.token)).status, 400);
    // Another user's request does not touch Bob's link, and Alice's link resets Alice only.
    const aliceLink = await forgot(alice);
    assert.equal((await reset(aliceLink.token, 'alice passphrase number 2')).status, 204);
    assert.equal((await login(bob)).status, 200, "Bob's password is untouched by Alice's link");
    assert.equal((await reset(newer.token)).status, 204, "Bob's newest link still works");

    // Another kind: a verification token is no reset token.
    const carol = uniqueEmail('carol');
    await request(t.url, 'POST', '/v1/auth/register', { body: { email: carol, password: GOOD_PASSWORD } });
    const verifyMail = await smtp.waitFor((m) => m.to === carol);
    assert.equal((await reset(verifyMail.token)).status, 400);

    // Expired: 31 minutes later.
    const late = await forgot(alice);
    offsetMs = 31 * 60_000;
    try {
      assert.equal((await reset(late.token)).status, 400);
    } finally {
      offsetMs = 0;
    }
    // Forged and malformed tokens.
    assert.equal((await reset('A'.repeat(43))).status, 400);
    assert.equal((await reset('not a token')).status, 400);
  });

  test('forgot for a missing address: the same 202 and no mail', async () => {
    const ghost = uniqueEmail('ghost');
    const known = await registerVerified();
    const a = await request(t.url, 'POST', '/v1/auth/password/forgot', { body: { email: ghost } });
    const b = await request(t.url, 'POST', '/v1/auth/password/forgot', { body: { email: known } });
    assert.equal(a.status, 202);
    assert.deepEqual(a.body, b.body);
    await smtp.waitFor((m) => m.to === known && /Reset/.test(m.subject));
    // The ghost's request was handled first; give it the same time again to be sure.
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(smtp.to(ghost).length, 0);
  });

  test('change email: confirmation at the new address, notice at the old, then login by the new one', async () => {
    const oldEmail = await registerVerified();
    const newEmail = uniqueEmail('moved');
    const session = await login(oldEmail);
    const wrong = await request(t.url, 'POST', '/v1/auth/email/change', {
      token: session.body.access_token,
      body: { new_email: newEmail, password: 'not my password 1' },
    });
    assert.equal(wrong.status, 403);
    const res = await request(t.url, 'POST', '/v1/auth/email/change', {
      token: session.body.access_token,
      body: { new_email: newEmail, password: GOOD_PASSWORD },
    });
    assert.equal(res.status, 202);
    const confirm = await smtp.waitFor((m) => m.to === newEmail);
    const notice = await smtp.waitFor((m) => m.to === oldEmail && /being changed/.test(m.subject));
    assert.equal(notice.token, undefined);
    assert.match(notice.text, new RegExp(newEmail.replace(/[.+]/g, '\\$&')));
    assert.equal((await login(newEmail)).status, 401, 'nothing changes before the confirmation');

    const page = await fetch(local(confirm));
    assert.match(await page.text(), /<form method="post">/);
    const done = await postForm(local(confirm), { token: confirm.token as string });
    assert.equal(done.status, 200, done.text);
    assert.match(done.text, /is now/);
    assert.equal((await login(oldEmail)).status, 401);
    assert.equal((await login(newEmail)).status, 200);
  });

  test('admin: password-reset by mail or as a one-time link; verified status visible and settable', async () => {
    const email = await registerVerified();
    const admin = (await login(ADMIN.email, ADMIN.password)).body.access_token as string;
    const list = await request(t.url, 'GET', '/v1/admin/users?limit=500', { token: admin });
    const user = list.body.users.find((u: { email: string }) => u.email === email);
    assert.equal(user.email_verified, true);

    const mailed = await request(t.url, 'POST', `/v1/admin/users/${user.id}/password-reset`, {
      token: admin,
      body: {},
    });
    assert.equal(mailed.status, 202);
    const mail = await smtp.waitFor((m) => m.to === email && /Reset/.test(m.subject));
    const linked = await request(t.url, 'POST', `/v1/admin/users/${user.id}/password-reset`, {
      token: admin,
      body: { return_link: true },
    });
    assert.equal(linked.status, 200);
    assert.match(linked.body.link, /^http:\/\/tessera\.test\/console\/reset-password\?token=/);
    const token = new URL(linked.body.link).searchParams.get('token');
    // The returned link superseded the mailed one.
    const stale = await request(t.url, 'POST', '/v1/auth/password/reset', {
      body: { token: mail.token, password: NEW_PASSWORD },
    });
    assert.equal(stale.status, 400);
    const ok = await request(t.url, 'POST', '/v1/auth/password/reset', {
      body: { token, password: NEW_PASSWORD },
    });
    assert.equal(ok.status, 204);

    const unverify = await request(t.url, 'PATCH', `/v1/admin/users/${user.id}`, {
      token: admin,
      body: { email_verified: false },
    });
    assert.equal(unverify.status, 200);
    assert.equal(unverify.body.user.email_verified, false);
    const refused = await login(email, NEW_PASSWORD);
    assert.equal(refused.status, 403, refused.text);
    const reverify = await request(t.url, 'PATCH', `/v1/admin/users/${user.id}`, {
      token: admin,
      body: { email_verified: true },
    });
    assert.equal(reverify.body.user.email_verified, true);
    assert.equal((await login(email, NEW_PASSWORD)).status, 200);

    const userToken = (await login(email, NEW_PASSWORD)).body.access_token;
    const forbidden = await request(t.url, 'POST', `/v1/admin/users/${user.id}/password-reset`, {
      token: userToken,
      body: {},
    });
    assert.equal(forbidden.status, 403);
  });

  test('no link or token is written to the info log', () => {
    const logs = t.logs();
    for (const mail of smtp.mails)
      if (mail.token) assert.ok(!logs.includes(mail.token), 'a token leaked to the log');
    assert.match(logs, /"msg":"mail sent"/);
  });
});
