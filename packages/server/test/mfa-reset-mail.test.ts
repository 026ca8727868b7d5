// An admin's reset of a user's second factors is told to the user by mail (over real SMTP), so a
// reset the user did not ask for is noticed: the account is back to a password alone.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type MfaTestServer, startMailedMfaServer, userWithTotp } from './support/mfa-harness.js';
import { GOOD_PASSWORD, request } from './support/server-harness.js';
import type { SmtpSink } from './support/smtp-sink.js';

const ADMIN_EMAIL = 'admin@example.com';

describe('factor reset mail', { timeout: 60_000 }, () => {
  let t: MfaTestServer;
  let smtp: SmtpSink;
  let mailed: Awaited<ReturnType<typeof startMailedMfaServer>> | undefined;

  before(async () => {
    mailed = await startMailedMfaServer({
      TESSERA_BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
      TESSERA_BOOTSTRAP_ADMIN_PASSWORD: GOOD_PASSWORD,
    });
    ({ t, smtp } = mailed);
  });
  after(() => mailed?.stop());

  test('the user is mailed when an admin resets their factors, and nobody else is', async () => {
    const admin = await request(t.url, 'POST', '/v1/auth/login', {
      body: { email: ADMIN_EMAIL, password: GOOD_PASSWORD },
    });
    assert.equal(admin.status, 200, admin.text);
    const u = await userWithTotp(t);
    const bystander = await userWithTotp(t);
    const reset = await request(t.url, 'DELETE', `/v1/admin/users/${u.userId}/factors`, {
      token: admin.body.access_token,
    });
    assert.equal(reset.status, 200, reset.text);

    const RESET_SUBJECT = 'The second factors of your account were reset';
    const mail = await smtp.waitFor((m) => m.to.includes(u.email) && m.subject === RESET_SUBJECT, 10_000);
    assert.match(mail.text, new RegExp(u.email.replace(/[.+]/g, '\\$&')));
    assert.match(mail.text, /contact your administrator/);
    const bystanderResets = smtp.to(bystander.email).filter((m) => m.subject === RESET_SUBJECT);
    assert.equal(bystanderResets.length, 0, 'only the user whose factors were reset');
  });
});
