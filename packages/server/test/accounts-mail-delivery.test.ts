// Mail delivery against real SMTP servers that are down, refuse, require STARTTLS and a login, or
// speak implicit TLS; the .eml files of development; and the production start-up rule.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, describe, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { ConfigError } from '../src/config/config.js';
import { loadConfig } from '../src/config/load.js';
import {
  GOOD_PASSWORD,
  request,
  startTestServer,
  type TestServer,
  uniqueEmail,
} from './support/server-harness.js';
import { startSmtpSink } from './support/smtp-sink.js';

const FAST_RETRIES = { TESSERA_MAIL_RETRY_DELAY: '1', TESSERA_MAIL_LIMIT_ADDRESS: '100/15m' };

async function metric(t: TestServer, name: string): Promise<number> {
  const text = await t.server.ctx.services.metrics.registry.metrics();
  let total = 0;
  for (const line of text.split('\n'))
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) total += Number(line.split(' ').at(-1));
  return total;
}

describe('mail delivery', () => {
  const servers: TestServer[] = [];
  after(async () => {
    for (const s of servers) await s.stop(true);
  });

  test('SMTP down: the request answers at once, the mail arrives when the server is back', async () => {
    const smtp = await startSmtpSink();
    await smtp.down();
    const t = await startTestServer({ env: { TESSERA_SMTP_URL: smtp.url, ...FAST_RETRIES } });
    servers.push(t);
    const email = uniqueEmail('outage');
    const reg = await request(t.url, 'POST', '/v1/auth/register', {
      body: { email, password: GOOD_PASSWORD },
    });
    // Answered while nothing listens on the SMTP port: the request did not wait for the mail.
    assert.equal(reg.status, 201);
    const forgot = await request(t.url, 'POST', '/v1/auth/password/forgot', { body: { email } });
    assert.equal(forgot.status, 202);
    // Let at least one attempt fail, then bring the server back.
    const deadline = Date.now() + 10_000;
    while ((await metric(t, 'tessera_mail_attempt_failures_total')) < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok((await metric(t, 'tessera_mail_attempt_failures_total')) >= 2);
    assert.equal(smtp.mails.length, 0);
    await smtp.up();
    await smtp.waitFor((m) => m.to === email && /Confirm/.test(m.subject), 15_000);
    await smtp.waitFor((m) => m.to === email && /Reset/.test(m.subject), 15_000);
    assert.equal(smtp.to(email).length, 2, 'both mails, once each');
    assert.match(t.logs(), /mail delivery failed; will retry/);
    await smtp.close();
  });

  test('SMTP hanging (accepts, never greets): every mail-sending request still answers at once', async () => {
    // A server that takes the connection and says nothing: a request that waited for the mail
    // would wait for the greeting timeout, set to a minute here.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const t = await startTestServer({
      env: {
        TESSERA_SMTP_URL: `smtp://127.0.0.1:${port}?connectionTimeout=60000&greetingTimeout=60000`,
        TESSERA_BOOTSTRAP_ADMIN_EMAIL: 'hang-admin@example.com',
        TESSERA_BOOTSTRAP_ADMIN_PASSWORD: 'admin password while smtp hangs 1',
        ...FAST_RETRIES,
      },
    });
    servers.push(t);
    try {
      const email = uniqueEmail('hanging');
      const timed = async (method: string, path: string, body: unknown, token?: string) => {
        const start = performance.now();
        const res = await request(t.url, method, path, { body, ...(token ? { token } : {}) });
        return { res, ms: performance.now() - start };
      };
      const reg = await timed('POST', '/v1/auth/register', { email, password: GOOD_PASSWORD });
      assert.equal(reg.res.status, 201);
      const userId = reg.res.body.user.id as string;
      const admin = await request(t.url, 'POST', '/v1/auth/login', {
        body: { email: 'hang-admin@example.com', password: 'admin password while smtp hangs 1' },
      });
      const session = await request(t.url, 'POST', '/v1/auth/login', {
        body: { email, password: GOOD_PASSWORD },
      });
      const answers = [
        reg,
        await timed('POST', '/v1/auth/password/forgot', { email }),
        await timed('POST', '/v1/auth/verify-email/resend', { email }),
        await timed(
          'POST',
          '/v1/auth/email/change',
          { new_email: uniqueEmail('hanging-new'), password: GOOD_PASSWORD },
          session.body.access_token,
        ),
        await timed('POST', `/v1/admin/users/${userId}/password-reset`, {}, admin.body.access_token),
      ];
      assert.deepEqual(
        answers.map((a) => a.res.status),
        [201, 202, 202, 202, 202],
      );
      // Let the mails reach the silent server: they are stuck there, not in the requests.
      const deadline = Date.now() + 10_000;
      while (sockets.size === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.ok(sockets.size > 0, 'the mailer is connected to the silent server');
      assert.ok(t.server.ctx.services.lifecycle.mailPending > 0, 'mails are still queued');
      for (const a of answers) assert.ok(a.ms < 5000, `answered in ${a.ms.toFixed(0)} ms`);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  test('SMTP refusing (451): answered at once, delivered once it accepts again', async () => {
    const smtp = await startSmtpSink();
    smtp.refusing = true;
    const t = await startTestServer({ env: { TESSERA_SMTP_URL: smtp.url, ...FAST_RETRIES } });
    servers.push(t);
    const email = uniqueEmail('refused');
    const reg = await request(t.url, 'POST', '/v1/auth/register', {
      body: { email, password: GOOD_PASSWORD },
    });
    assert.equal(reg.status, 201);
    const deadline = Date.now() + 10_000;
    while ((await metric(t, 'tessera_mail_attempt_failures_total')) < 1 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok((await metric(t, 'tessera_mail_attempt_failures_total')) >= 1);
    smtp.refusing = false;
    const mail = await smtp.waitFor((m) => m.to === email, 15_000);
    assert.ok(mail.token);
    // The delivered link works.
    const ok = await request(t.url, 'POST', '/v1/auth/verify-email', { body: { token: mail.token } });
    assert.equal(ok.status, 204);
    await smtp.close();
  });

  test('a mail that never goes through is abandoned after the last attempt, logged and counted', async () => {
    const smtp = await startSmtpSink();
    smtp.refusing = true;
    const t = await startTestServer({
      env: { TESSERA_SMTP_URL: smtp.url, TESSERA_MAIL_RETRY_ATTEMPTS: '2', ...FAST_RETRIES },
    });
    servers.push(t);
    await request(t.url, 'POST', '/v1/auth/register', {
      body: { email: uniqueEmail('lost'), password: GOOD_PASSWORD },
    });
    const deadline = Date.now() + 15_000;
    while ((await metric(t, 'tessera_mail_failed_total')) < 1 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(await metric(t, 'tessera_mail_failed_total'), 1);
    assert.match(t.logs(), /"msg":"mail abandoned"/);
    const metrics = await request(t.url, 'GET', '/metrics');
    assert.match(metrics.text, /tessera_mail_failed_total\{template="verify-email"\} 1/);
    await smtp.close();
  });

  test('STARTTLS with a login, and implicit TLS (smtps://)', async () => {
    const users = { mailer: 'mail password 1' };
    const starttls = await startSmtpSink({ tls: 'starttls', users });
    const t1 = await startTestServer({
      env: {
        // The test server's certificate is self-signed: trust it for this test only.
        TESSERA_SMTP_URL: `smtp://mailer:${encodeURIComponent(users.mailer)}@127.0.0.1:${starttls.port}?requireTLS=true&tls.rejectUnauthorized=false`,
      },
    });
    servers.push(t1);
    const a = uniqueEmail('starttls');
    await request(t1.url, 'POST', '/v1/auth/register', { body: { email: a, password: GOOD_PASSWORD } });
    const viaStarttls = await starttls.waitFor((m) => m.to === a);
    assert.equal(viaStarttls.secure, true);
    assert.equal(viaStarttls.user, 'mailer');
    await starttls.close();

    const implicit = await startSmtpSink({ tls: 'implicit' });
    const t2 = await startTestServer({
      env: { TESSERA_SMTP_URL: `smtps://127.0.0.1:${implicit.port}?tls.rejectUnauthorized=false` },
    });
    servers.push(t2);
    const b = uniqueEmail('smtps');
    await request(t2.url, 'POST', '/v1/auth/register', { body: { email: b, password: GOOD_PASSWORD } });
    const viaSmtps = await implicit.waitFor((m) => m.to === b);
    assert.equal(viaSmtps.secure, true);
    await implicit.close();

    // Wrong credentials: nothing is delivered, the request still succeeded.
    const guarded = await startSmtpSink({ tls: 'starttls', users });
    const t3 = await startTestServer({
      env: {
        TESSERA_SMTP_URL: `smtp://mailer:wrong@127.0.0.1:${guarded.port}?tls.rejectUnauthorized=false`,
        TESSERA_MAIL_RETRY_ATTEMPTS: '1',
      },
    });
    servers.push(t3);
    const reg = await request(t3.url, 'POST', '/v1/auth/register', {
      body: { email: uniqueEmail('badauth'), password: GOOD_PASSWORD },
    });
    assert.equal(reg.status, 201);
    const deadline = Date.now() + 10_000;
    while ((await metric(t3, 'tessera_mail_failed_total')) < 1 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(await metric(t3, 'tessera_mail_failed_total'), 1);
    assert.equal(guarded.mails.length, 0);
    await guarded.close();
  });

  test('development without SMTP: an .eml file per mail, its path logged, never the link at info', async () => {
    const t = await startTestServer({ env: { TESSERA_LOG_LEVEL: 'info' } });
    servers.push(t);
    const email = uniqueEmail('eml');
    await request(t.url, 'POST', '/v1/auth/register', { body: { email, password: GOOD_PASSWORD } });
    const dir = join(t.dir, 'mail');
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      try {
        if (readdirSync(dir).length > 0) break;
      } catch {
        // not created yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
    assert.equal(files.length, 1);
    const eml = await simpleParser(readFileSync(join(dir, files[0] as string)));
    assert.equal(eml.to && !Array.isArray(eml.to) ? eml.to.text : '', email);
    assert.equal(eml.subject, 'Confirm your email address');
    const token = /verify-email\?token=([\w-]{43})/.exec(eml.text ?? '')?.[1];
    assert.ok(token, 'the link is in the file');
    const logs = t.logs();
    assert.ok(logs.includes(join(dir, files[0] as string)), 'the path is logged');
    assert.ok(!logs.includes(token as string), 'the link is not logged at info');
    const ok = await request(t.url, 'POST', '/v1/auth/verify-email', { body: { token } });
    assert.equal(ok.status, 204);
  });

  test('mail flows off: the sending routes answer 404, an admin link still resets', async () => {
    const t = await startTestServer({
      env: {
        TESSERA_MAIL_FLOWS: 'false',
        TESSERA_BOOTSTRAP_ADMIN_EMAIL: 'boss@example.com',
        TESSERA_BOOTSTRAP_ADMIN_PASSWORD: 'boss password for mail off 1',
      },
    });
    servers.push(t);
    const email = uniqueEmail('nomail');
    const reg = await request(t.url, 'POST', '/v1/auth/register', {
      body: { email, password: GOOD_PASSWORD },
    });
    assert.equal(reg.status, 201);
    for (const path of ['/v1/auth/password/forgot', '/v1/auth/verify-email/resend']) {
      assert.equal((await request(t.url, 'POST', path, { body: { email } })).status, 404, path);
    }
    const admin = await request(t.url, 'POST', '/v1/auth/login', {
      body: { email: 'boss@example.com', password: 'boss password for mail off 1' },
    });
    const mailed = await request(t.url, 'POST', `/v1/admin/users/${reg.body.user.id}/password-reset`, {
      token: admin.body.access_token,
      body: {},
    });
    assert.equal(mailed.status, 404);
    const linked = await request(t.url, 'POST', `/v1/admin/users/${reg.body.user.id}/password-reset`, {
      token: admin.body.access_token,
      body: { return_link: true },
    });
    assert.equal(linked.status, 200);
    const token = new URL(linked.body.link).searchParams.get('token');
    const reset = await request(t.url, 'POST', '/v1/auth/password/reset', {
      body: { token, password: 'the password after mail off 2' },
    });
    assert.equal(reset.status, 204);
    await new Promise((r) => setTimeout(r, 100));
    assert.throws(() => readdirSync(join(t.dir, 'mail')), 'no mail was written');
  });

  test('production with a mail flow on and no SMTP refuses to start, naming TESSERA_SMTP_URL', () => {
    const production = {
      NODE_ENV: 'production',
      TESSERA_MASTER_KEY: 'q2k3Vn8m0XbZpL4sY7tR1wE6uI9oA5dF3gH2jK8lM0Q=',
      TESSERA_DATABASE_URL: 'sqlite::memory:',
    };
    for (const extra of [{ TESSERA_REQUIRE_EMAIL_VERIFICATION: 'true' }, { TESSERA_MAIL_FLOWS: 'true' }]) {
      assert.throws(
        () => loadConfig({ ...production, ...extra }),
        (err: unknown) => err instanceof ConfigError && err.variable === 'TESSERA_SMTP_URL',
      );
    }
    // Mail off by default there, or with SMTP: starts.
    assert.equal(loadConfig(production).accounts.mailFlows, false);
    assert.equal(
      loadConfig({ ...production, TESSERA_SMTP_URL: 'smtps://u:p@mail.example.com' }).accounts.mailFlows,
      true,
    );
    assert.throws(
      () => loadConfig({ TESSERA_SMTP_URL: 'http://mail.example.com' }),
      (err: unknown) => err instanceof ConfigError && err.variable === 'TESSERA_SMTP_URL',
    );
  });
});
