// END-TO-END, ACCOUNT LIFECYCLE: a password-reset link from a real mail completes in the browser.
// The server sends the mail (POST /v1/auth/password/forgot; in development mails are .eml files
// beside the data) whose link ${TESSERA_PUBLIC_URL}/console/reset-password?token=... opens the
// console's page, which POSTs /v1/auth/password/reset.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { chromiumMissing, guardedContext, launch, screenshot } from './support/browser.js';
import {
  ADMIN_EMAIL,
  accessToken,
  type ConsoleServer,
  http,
  startConsoleServer,
} from './support/console-server.js';

const missing = chromiumMissing();

function mailFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...mailFiles(path));
    else if (name.endsWith('.eml')) out.push(path);
  }
  return out;
}

/** The link to a console page in a mail (quoted-printable soft breaks and escapes undone). */
function consoleLink(eml: string, page: string): string | undefined {
  const text = eml
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_m, h) => String.fromCharCode(Number.parseInt(h, 16)));
  return new RegExp(`https?://[^\\s"<>]+/console/${page}[^\\s"<>]*`).exec(text)?.[0];
}

/** Waits for a new mail (one not in `before`) holding a link to the console page; returns it. */
async function awaitLink(dir: string, before: Set<string>, page: string): Promise<URL> {
  let link: string | undefined;
  for (let i = 0; i < 50 && !link; i++) {
    for (const file of mailFiles(dir).filter((f) => !before.has(f)))
      link ??= consoleLink(readFileSync(file, 'utf8'), page);
    if (!link) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(link, `a mail with a /console/${page} link was written`);
  return new URL(link);
}

describe('mail links in Chromium (account lifecycle)', { skip: missing }, () => {
  let server: ConsoleServer;
  let browser: Browser;

  before(async () => {
    server = await startConsoleServer();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('a reset-password link from a mail sets a new password in the browser', async () => {
    const email = 'forgetful@example.com';
    const admin = await accessToken(server.origin, ADMIN_EMAIL);
    const created = await http(server.origin, 'POST', '/v1/admin/users', {
      token: admin,
      body: { email, password: 'an old password 1234', roles: ['user'] },
    });
    assert.equal(created.status, 201);
    const before = new Set(mailFiles(server.dir));
    assert.equal(
      (await http(server.origin, 'POST', '/v1/auth/password/forgot', { body: { email } })).status,
      202,
    );

    const url = await awaitLink(server.dir, before, 'reset-password');

    const g = await guardedContext(browser, server.origin);
    await g.page.goto(`${server.origin}${url.pathname}${url.search}${url.hash}`);
    await g.page.getByRole('heading', { name: 'Reset password' }).waitFor();
    // The one-time token is taken out of the address bar at once.
    assert.ok(!g.page.url().includes('token='), g.page.url());
    const fresh = 'a brand new password 5678';
    await g.page.getByLabel('New password', { exact: true }).fill(fresh);
    await g.page.getByLabel('Repeat the new password').fill(fresh);
    await g.page.getByRole('button', { name: 'Set the new password' }).click();
    await g.page.getByText('Your password is reset').waitFor();
    await screenshot(g.page, 'reset-password-done-desktop');

    assert.equal(
      (await http(server.origin, 'POST', '/v1/auth/login', { body: { email, password: fresh } })).status,
      200,
    );
    const old = await http(server.origin, 'POST', '/v1/auth/login', {
      body: { email, password: 'an old password 1234' },
    });
    assert.equal(old.status, 401);
    assert.deepEqual(g.problems, []);
    await g.context.close();
  });

  test('a verify-email link from the registration mail verifies the address in the browser', async () => {
    const email = 'newcomer@example.com';
    const before = new Set(mailFiles(server.dir));
    const registered = await http(server.origin, 'POST', '/v1/auth/register', {
      body: { email, password: 'a newcomer password 1234' },
    });
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    const url = await awaitLink(server.dir, before, 'verify-email');
    const g = await guardedContext(browser, server.origin);
    await g.page.goto(`${server.origin}${url.pathname}${url.search}${url.hash}`);
    await g.page.getByRole('heading', { name: 'Verify email' }).waitFor();
    await g.page.getByText('Your email address is verified.').waitFor();
    assert.ok(!g.page.url().includes('token='), g.page.url());
    const admin = await accessToken(server.origin, ADMIN_EMAIL);
    const users = await http(server.origin, 'GET', '/v1/admin/users?limit=500', { token: admin });
    const user = users.body.users.find((u: { email: string }) => u.email === email);
    assert.equal(user?.email_verified, true, JSON.stringify(user));
    // The same link a second time is refused: it was for one use.
    await g.page.goto(`${server.origin}${url.pathname}${url.search}${url.hash}`);
    await g.page
      .getByRole('alert')
      .filter({ hasText: /\(\w+\)/ })
      .waitFor();
    g.problems.splice(0, g.problems.length, ...g.problems.filter((p) => !/status of 400/.test(p)));
    assert.deepEqual(g.problems, []);
    await g.context.close();
  });

  test('a confirm-email link sent to the new address completes the change in the browser', async () => {
    const email = 'moving@example.com';
    const moved = 'moved@example.com';
    const password = 'a moving password 1234';
    const admin = await accessToken(server.origin, ADMIN_EMAIL);
    const created = await http(server.origin, 'POST', '/v1/admin/users', {
      token: admin,
      body: { email, password, roles: ['user'] },
    });
    assert.equal(created.status, 201);
    const before = new Set(mailFiles(server.dir));
    const change = await http(server.origin, 'POST', '/v1/auth/email/change', {
      token: await accessToken(server.origin, email, password),
      body: { new_email: moved, password },
    });
    assert.equal(change.status, 202, JSON.stringify(change.body));
    const url = await awaitLink(server.dir, before, 'confirm-email');
    const g = await guardedContext(browser, server.origin);
    await g.page.goto(`${server.origin}${url.pathname}${url.search}${url.hash}`);
    await g.page.getByRole('heading', { name: 'Confirm email change' }).waitFor();
    await g.page.getByText('Your new email address is confirmed').waitFor();
    const login = await http(server.origin, 'POST', '/v1/auth/login', { body: { email: moved, password } });
    assert.equal(login.status, 200);
    assert.deepEqual(g.problems, []);
    await g.context.close();
  });
});
