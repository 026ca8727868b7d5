// Operator templates (TESSERA_MAIL_TEMPLATES): a folder of NAME.txt ("Subject: ..." line, blank
// line, plain text) and NAME.html replaces the built-in mails; a file left out keeps the built-in.
// Checked on the mail a real SMTP server receives. Placeholders are escaped in HTML and cannot
// break the subject line; a malformed file or a missing folder stops the start naming the variable.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConfigError } from '../src/config/config.js';
import { loadTemplates } from '../src/mail/templates.js';
import { request, startTestServer, type TestServer, uniqueEmail } from './support/server-harness.js';
import { type SmtpSink, startSmtpSink } from './support/smtp-sink.js';

const root = mkdtempSync(join(tmpdir(), 'tessera-templates-'));

function folder(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
  return dir;
}

describe('operator mail templates', () => {
  let smtp: SmtpSink;
  let t: TestServer;
  const templates = folder('acme', {
    'reset-password.txt':
      'Subject: Reset your Acme password\n\nHello from Acme,\nnew password for {{email}}: {{link}}\n(valid {{expires_in}})\n',
    'reset-password.html':
      '<p class="acme">Acme reset for {{email}}: <a href="{{link}}">choose a password</a></p>',
  });

  before(async () => {
    smtp = await startSmtpSink();
    t = await startTestServer({ env: { TESSERA_SMTP_URL: smtp.url, TESSERA_MAIL_TEMPLATES: templates } });
  });
  after(async () => {
    await t.stop(true);
    await smtp.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('the files in the folder replace the built-in mail; a template left out keeps the built-in', async () => {
    const email = uniqueEmail('acme');
    const reg = await request(t.url, 'POST', '/v1/auth/register', {
      body: { email, password: 'correct horse battery 42' },
    });
    assert.equal(reg.status, 201);
    const verify = await smtp.waitFor((m) => m.to === email);
    assert.equal(verify.subject, 'Confirm your email address', 'no verify-email file: the built-in');

    const forgot = await request(t.url, 'POST', '/v1/auth/password/forgot', { body: { email } });
    assert.equal(forgot.status, 202);
    const reset = await smtp.waitFor((m) => m.to === email && /Acme/.test(m.subject));
    assert.equal(reset.subject, 'Reset your Acme password');
    assert.match(
      reset.text,
      /^Hello from Acme,\nnew password for \S+: http:\/\/tessera\.test\/console\/reset-password\?token=[\w-]{43}\n\(valid 30 minutes\)/,
    );
    assert.match(reset.html, /<p class="acme">Acme reset for /);
    assert.match(reset.html, /<a href="http:\/\/tessera\.test\/console\/reset-password\?token=[\w-]{43}">/);
    // The link of the operator's mail completes the flow.
    const done = await request(t.url, 'POST', '/v1/auth/password/reset', {
      body: { token: reset.token, password: 'an acme passphrase 2024' },
    });
    assert.equal(done.status, 204);
  });

  test('placeholders are escaped in HTML and cannot add a header line to the subject', () => {
    const dir = folder('hostile', {
      'email-change-notice.txt': 'Subject: Change to {{new_email}}\n\nnew: {{new_email}}\n',
      'email-change-notice.html': '<p>new: {{new_email}}</p>',
    });
    const hostile = 'x@example.com\r\nBcc: victim@example.com <script>alert(1)</script>';
    const mail = loadTemplates(dir).render('email-change-notice', { new_email: hostile });
    assert.doesNotMatch(mail.subject, /[\r\n]/);
    assert.equal(mail.html.includes('<script>'), false);
    assert.match(mail.html, /&#60;script&#62;/);
    assert.ok(mail.text.includes(hostile), 'the plain text is not HTML-escaped');
  });

  test('a malformed file or a folder that is not there stops the start, naming TESSERA_MAIL_TEMPLATES', async () => {
    const broken = folder('broken', { 'verify-email.txt': 'no subject line here\n' });
    for (const [dir, message] of [
      [broken, /verify-email\.txt: the first line must be "Subject: \.\.\."/],
      [join(root, 'no-such-folder'), /no-such-folder is not a folder/],
    ] as const) {
      await assert.rejects(
        startTestServer({ env: { TESSERA_MAIL_TEMPLATES: dir } }),
        (err: unknown) =>
          err instanceof ConfigError &&
          err.variable === 'TESSERA_MAIL_TEMPLATES' &&
          message.test(err.message),
      );
    }
  });
});
