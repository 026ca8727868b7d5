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

/** The reset link in a mail (quoted-printable soft breaks and escapes undone). */
function resetLink(eml: string): string | undefined {
  const text = eml
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_m, h) => String.fromCharCode(Number.parseInt(h, 16)));
  return /https?:\/\/[^\s"<>]+\/console\/reset-password[^\s"<>]*/.exec(text)?.[0];
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

    let link: string | undefined;
    for (let i = 0; i < 50 && !link; i++) {
      for (const file of mailFiles(server.dir).filter((f) => !before.has(f)))
        link ??= resetLink(readFileSync(file, 'utf8'));
      if (!link) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(link, 'a mail with a /console/reset-password link was written');
    const url = new URL(link);

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
});
