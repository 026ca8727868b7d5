// The console in a real Chromium against a real server (temporary SQLite file): signing in keeps
// the refresh token out of JavaScript's reach, a reload restores the session, a session revoked
// from another browser signs the first out, a key rotation shows on the timeline, the debugger
// explains an expired and a wrong-audience token without sending them anywhere, and every page
// passes axe-core. Any console error, CSP violation or request to another origin fails a test.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AUDIT_EVENTS } from '@tessera/server';
import type { Browser, Page } from 'playwright-core';
import {
  axeViolations,
  chromiumMissing,
  type Guarded,
  guardedContext,
  launch,
  screenshot,
} from './support/browser.js';
import {
  ADMIN_EMAIL,
  accessToken,
  type ConsoleServer,
  http,
  PASSWORD,
  startConsoleServer,
} from './support/console-server.js';

const missing = chromiumMissing();

async function signIn(page: Page, origin: string, email: string, password = PASSWORD): Promise<void> {
  await page.goto(`${origin}/console/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'My sessions' }).waitFor();
}

function assertClean(g: Guarded): void {
  assert.deepEqual(g.problems, [], 'the page reported problems');
}

/** Drops the 401s a page sees once its own session is revoked: expected outcomes, not page errors. */
function forgetOwn401s(g: Guarded): void {
  g.problems.splice(0, g.problems.length, ...g.problems.filter((p) => !/status of 401/.test(p)));
}

async function until(what: string, probe: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function createUser(origin: string, email: string, roles = ['user']): Promise<string> {
  const admin = await accessToken(origin, ADMIN_EMAIL);
  const created = await http(origin, 'POST', '/v1/admin/users', {
    token: admin,
    body: { email, password: PASSWORD, roles },
  });
  assert.equal(created.status, 201);
  return created.body.user.id;
}

/** A client_credentials token request: the status tells whether the secret and client work. */
async function clientTokenStatus(origin: string, id: string, secret: string): Promise<number> {
  const res = await fetch(`${origin}/v1/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials',
  });
  return res.status;
}

/** The .eml files the server wrote (development mail goes to files beside the data). */
function mailsTo(dir: string, address: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.eml') && readFileSync(path, 'utf8').includes(address)) out.push(path);
    }
  };
  walk(dir);
  return out;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('console in Chromium', { skip: missing }, () => {
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

  test('sign in: the refresh cookie is HttpOnly (not in document.cookie) and a reload keeps the session', async () => {
    const g = await guardedContext(browser, server.origin);
    await signIn(g.page, server.origin, ADMIN_EMAIL);
    const cookies = await g.context.cookies();
    const rt = cookies.find((c) => c.name === 'tessera_rt');
    assert.ok(rt, 'the server set the refresh cookie');
    assert.equal(rt.httpOnly, true);
    assert.equal(rt.sameSite, 'Strict');
    const visible = await g.page.evaluate(() => document.cookie);
    assert.ok(!visible.includes('tessera_rt'), `document.cookie shows ${visible}`);
    // The access token is in memory only: web storage holds only the SDK's "has a session" flag.
    const stored = await g.page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
    assert.deepEqual(JSON.parse(stored), { [`tessera:${server.origin}:session`]: '1' });

    await g.page.reload();
    await g.page.getByRole('heading', { name: 'My sessions' }).waitFor();
    assert.equal(await g.page.getByLabel('Password').count(), 0, 'no sign-in form after the reload');
    await g.page.getByText('This device').waitFor();
    assertClean(g);
    await g.context.close();
  });

  test('revoking a session from a second browser signs the first one out', async () => {
    const email = 'revoker@example.com';
    const admin = await accessToken(server.origin, ADMIN_EMAIL);
    const created = await http(server.origin, 'POST', '/v1/admin/users', {
      token: admin,
      body: { email, password: PASSWORD, roles: ['user'] },
    });
    assert.equal(created.status, 201);

    const first = await guardedContext(browser, server.origin);
    await signIn(first.page, server.origin, email);
    const second = await guardedContext(browser, server.origin);
    await signIn(second.page, server.origin, email);

    // The second browser sees two sessions and revokes the other one.
    const rows = second.page.locator('tr[data-session]');
    await rows.nth(1).waitFor();
    assert.equal(await rows.count(), 2);
    const other = second.page.locator('tr[data-session]', { hasNot: second.page.getByText('This device') });
    await other.getByRole('button', { name: 'Revoke' }).click();
    await second.page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await second.page.getByText(/^Signed out /).waitFor();
    assert.equal(await rows.count(), 1);

    // The first browser's next step finds its session gone and shows the sign-in form.
    await first.page.getByRole('link', { name: 'Change password' }).click();
    await first.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await first.page.getByText(/session has ended/).waitFor();
    // And a reload does not bring it back (the refresh token was revoked with the session).
    await first.page.reload();
    await first.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    for (const g of [first, second]) {
      forgetOwn401s(g);
      assertClean(g);
      await g.context.close();
    }
  });

  test('rotating the signing key as admin changes the timeline', async () => {
    const g = await guardedContext(browser, server.origin);
    await signIn(g.page, server.origin, ADMIN_EMAIL);
    await g.page.getByRole('link', { name: 'Signing keys' }).click();
    const active = g.page.getByTestId('active-kid');
    await g.page.locator('li[data-state="active"]').first().waitFor();
    const before = (await active.textContent())!.trim();
    assert.match(before, /\S+/);
    await g.page.getByRole('button', { name: 'Rotate now' }).click();
    await g.page.getByRole('dialog').getByRole('button', { name: 'Rotate now' }).click();
    await g.page.getByRole('status').filter({ hasText: 'signs from now on' }).waitFor();
    const after = (await active.textContent())!.trim();
    assert.notEqual(after, before);
    assert.equal(await g.page.locator(`li[data-kid="${after}"]`).getAttribute('data-state'), 'active');
    assert.equal(await g.page.locator(`li[data-kid="${before}"]`).getAttribute('data-state'), 'retiring');
    // The server agrees.
    const keys = await http(server.origin, 'GET', '/v1/admin/keys', {
      token: await accessToken(server.origin, ADMIN_EMAIL),
    });
    assert.equal(keys.body.active_kid, after);
    assertClean(g);
    await g.context.close();
  });

  test('the debugger explains an expired token and a wrong-audience token, sending neither anywhere', async () => {
    const token = await accessToken(server.origin, ADMIN_EMAIL);
    const g = await guardedContext(browser, server.origin);
    const explain = async (audience: string) => {
      await g.page.getByLabel('Token').fill(token);
      await g.page.getByLabel('Expected audience').fill(audience);
      await g.page.getByRole('button', { name: 'Explain' }).click();
      await g.page.getByTestId('verdict').waitFor();
    };
    const check = (name: string) => g.page.locator(`li[data-check="${name}"]`);

    // The same real token, two hours later by the browser's clock: expired.
    await g.page.clock.install({ time: Date.now() + 2 * 3600_000 });
    await g.page.goto(`${server.origin}/console/debugger`);
    await g.page.getByText('never sent to this server or anywhere else').waitFor();
    await explain('tessera');
    assert.match((await g.page.getByTestId('verdict').textContent())!, /Invalid: ERR_JWT_EXPIRED/);
    assert.equal(await check('exp').getAttribute('data-status'), 'fail');
    assert.match((await check('exp').textContent())!, /expired/);
    assert.equal(await check('signature').getAttribute('data-status'), 'pass');
    assert.equal(await check('aud').getAttribute('data-status'), 'pass');
    await g.page
      .getByText(/expired \d+ min ago|expired 2 h ago/)
      .first()
      .waitFor();
    await screenshot(g.page, 'debugger-expired-desktop');

    // Now, with the real clock, and the wrong expected audience.
    await g.page.clock.setSystemTime(Date.now());
    await g.page.reload();
    await explain('billing');
    assert.match((await g.page.getByTestId('verdict').textContent())!, /Invalid: ERR_JWT_CLAIM_INVALID/);
    assert.equal(await check('aud').getAttribute('data-status'), 'fail');
    assert.match((await check('aud').textContent())!, /audience was tessera, expected billing/);
    assert.equal(await check('exp').getAttribute('data-status'), 'pass');

    // And a valid verdict for the right audience, with a tampered token failing its signature.
    await explain('tessera');
    assert.match((await g.page.getByTestId('verdict').textContent())!, /^Valid/);
    const [h, p, s] = token.split('.') as [string, string, string];
    const tampered = `${h}.${p}.${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}`;
    await g.page.getByLabel('Token').fill(tampered);
    await g.page.getByRole('button', { name: 'Explain' }).click();
    await g.page.getByText('Invalid: ERR_JWS_SIGNATURE_INVALID').waitFor();

    // Signed out, the page never tried a refresh (the SDK's session flag is absent).
    assert.ok(!g.requests.some((r) => r.url.endsWith('/v1/auth/refresh')), 'no refresh request');
    // The token never left the browser: no request carried it, in its URL or its body.
    for (const r of g.requests) {
      assert.ok(!r.url.includes(p), `token in ${r.url}`);
      assert.ok(!(r.body ?? '').includes(p), `token in the body of ${r.url}`);
    }
    assertClean(g);
    await g.context.close();
  });

  test('an OAuth client is created with its secret shown once', async () => {
    const g = await guardedContext(browser, server.origin);
    await signIn(g.page, server.origin, ADMIN_EMAIL);
    await g.page.getByRole('link', { name: 'OAuth clients' }).click();
    await g.page.getByText('Create a client').click();
    await g.page.getByLabel('Name').fill('billing-service');
    await g.page.getByLabel('introspect').check();
    await g.page.getByLabel('Audiences (comma-separated)').fill('billing');
    await g.page.getByRole('button', { name: 'Create client' }).click();
    const secret = (await g.page.getByTestId('client-secret').textContent())!.trim();
    assert.ok(secret.length >= 32, 'the secret is shown');
    await g.page.getByRole('button', { name: 'I have stored it' }).click();
    assert.equal(await g.page.getByTestId('client-secret').count(), 0);
    await g.page.reload();
    await g.page.getByRole('cell', { name: /billing-service/ }).waitFor();
    assert.ok(!(await g.page.content()).includes(secret), 'the secret is not shown again');
    assertClean(g);
    await g.context.close();
  });

  test('every page passes axe-core (no serious or critical violation) at desktop and phone width', async () => {
    const pages: Array<{ path: string; heading: string; signedIn: boolean }> = [
      { path: '/', heading: 'Sign in', signedIn: false },
      { path: '/debugger', heading: 'Token debugger', signedIn: false },
      { path: '/verify-email', heading: 'Verify email', signedIn: false },
      { path: '/reset-password', heading: 'Reset password', signedIn: false },
      { path: '/confirm-email', heading: 'Confirm email change', signedIn: false },
      { path: '/sessions', heading: 'My sessions', signedIn: true },
      { path: '/password', heading: 'Change password', signedIn: true },
      { path: '/security', heading: 'Second factors', signedIn: true },
      { path: '/account', heading: 'My data', signedIn: true },
      { path: '/debugger', heading: 'Token debugger', signedIn: true },
      { path: '/admin/users', heading: 'Users', signedIn: true },
      { path: '/admin/clients', heading: 'OAuth clients', signedIn: true },
      { path: '/admin/keys', heading: 'Signing keys', signedIn: true },
      { path: '/admin/audit', heading: 'Audit log', signedIn: true },
      { path: '/admin/metrics', heading: 'Live charts', signedIn: true },
    ];
    const failures: string[] = [];
    for (const [width, viewport] of [
      ['desktop', { width: 1280, height: 860 }],
      ['phone', { width: 390, height: 844 }],
    ] as const) {
      const out = await guardedContext(browser, server.origin, viewport);
      const signed = await guardedContext(browser, server.origin, viewport);
      await signIn(signed.page, server.origin, ADMIN_EMAIL);
      for (const p of pages) {
        const g = p.signedIn ? signed : out;
        await g.page.goto(`${server.origin}/console${p.path}`);
        await g.page.getByRole('heading', { level: 1, name: p.heading }).waitFor();
        if (p.path === '/admin/metrics') {
          // Two scrapes make the first rates; logins made now must show as a login rate above zero.
          const rate = (re: RegExp) => g.page.getByText(re).first().waitFor({ timeout: 20_000 });
          await rate(/Latest \(per second\): \w+: \d/);
          for (let i = 0; i < 4; i++) await accessToken(server.origin, ADMIN_EMAIL);
          await rate(/login: (0\.[1-9]|0\.0[1-9]|[1-9])/);
        }
        if (p.path === '/admin/audit') await g.page.locator('tbody tr').first().waitFor();
        for (const v of await axeViolations(g.page)) failures.push(`${p.path} (${width}): ${v}`);
        const name = `${p.path === '/' ? 'sign-in' : p.path.slice(1).replace(/\//g, '-')}${p.signedIn ? '' : '-signed-out'}`;
        await screenshot(g.page, `${name}-${width}`);
        // At phone width nothing is wider than the screen.
        const overflow = await g.page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
        if (overflow > 0) failures.push(`${p.path} (${width}): ${overflow}px wider than the viewport`);
      }
      for (const g of [out, signed]) {
        assertClean(g);
        await g.context.close();
      }
    }
    assert.deepEqual(failures, []);
  });

  test('the guards catch what they promise: a CSP violation, a console error, a request to another origin', async () => {
    // Without this, a guard that never fires would let every test above pass.
    const g = await guardedContext(browser, server.origin);
    await g.page.goto(`${server.origin}/console/debugger`);
    await g.page.getByRole('heading', { level: 1, name: 'Token debugger' }).waitFor();
    await g.page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true';
      document.body.append(script);
      const style = document.createElement('style');
      style.textContent = 'body { color: red }';
      document.head.append(style);
      console.error('a page error');
    });
    await until('two CSP reports', () => g.problems.filter((p) => p.includes('CSP violation')).length >= 2);
    assert.equal(await g.page.evaluate(() => (window as { inlineRan?: boolean }).inlineRan), undefined);
    await g.page.goto('http://foreign.invalid/').catch(() => undefined);
    const seen = g.problems.join('\n');
    assert.match(seen, /CSP violation: script-src/);
    assert.match(seen, /CSP violation: style-src/);
    assert.match(seen, /console error: a page error/);
    assert.match(seen, /request to another origin: http:\/\/foreign\.invalid\//);
    await g.context.close();
  });

  test('keyboard only: skip link, sign-in form, navigation, and a confirmation that Escape cancels', async () => {
    const g = await guardedContext(browser, server.origin);
    const page = g.page;
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        return `${el?.tagName.toLowerCase()}|${el?.id}|${(el?.getAttribute('aria-label') ?? el?.textContent ?? '').trim()}`;
      });
    const tabTo = async (re: RegExp) => {
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press('Tab');
        if (re.test(await focused())) return;
      }
      assert.fail(`Tab never reached ${re}`);
    };
    await page.goto(`${server.origin}/console/`);
    await page.getByLabel('Email').waitFor();
    await page.keyboard.press('Tab');
    assert.match(await focused(), /^a\|\|Skip to content$/);
    await page.keyboard.press('Enter');
    await until('focus on the main content', async () => /^main\|main\|/.test(await focused()));

    await tabTo(/^input\|/);
    await page.keyboard.type(ADMIN_EMAIL);
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'My sessions' }).waitFor();

    await tabTo(/^a\|\|Signing keys$/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Signing keys' }).waitFor();
    await until('focus moved to the new page', async () => /^main\|main\|/.test(await focused()));
    const before = (await page.getByTestId('active-kid').textContent())!.trim();
    await tabTo(/^button\|\|Rotate now$/);
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Rotate the signing key now?' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    assert.match(await focused(), /^button\|\|Rotate now$/, 'focus returns to the button');
    assert.equal((await page.getByTestId('active-kid').textContent())!.trim(), before, 'nothing rotated');
    assertClean(g);
    await g.context.close();
  });

  test('my sessions: sign out every other session, then sign out here', async () => {
    const email = 'many-devices@example.com';
    await createUser(server.origin, email);
    const elsewhere = [await accessToken(server.origin, email), await accessToken(server.origin, email)];
    const g = await guardedContext(browser, server.origin);
    await signIn(g.page, server.origin, email);
    const rows = g.page.locator('tr[data-session]');
    await rows.nth(2).waitFor();
    assert.equal(await rows.count(), 3);
    const row = rows.filter({ has: g.page.getByText('This device') });
    assert.match((await row.textContent())!, /HeadlessChrome|Chrome/, 'browser named');
    assert.match((await row.textContent())!, /127\.0\.0\.1/, 'IP shown');
    assert.equal(await row.locator('time').count(), 2, 'signed-in and last-used times');

    await g.page.getByRole('button', { name: 'Sign out all other sessions' }).click();
    await g.page.getByRole('dialog').getByRole('button', { name: 'Sign them out' }).click();
    await g.page.getByText('Signed out 2 other sessions.').waitFor();
    assert.equal(await rows.count(), 1);
    for (const token of elsewhere)
      assert.equal((await http(server.origin, 'GET', '/v1/me', { token })).status, 401);

    await g.page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await g.page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await g.page.reload();
    await g.page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    assertClean(g);
    await g.context.close();
  });

  test('change password, then download my data and delete my account', async () => {
    const email = 'leaving@example.com';
    await createUser(server.origin, email);
    const g = await guardedContext(browser, server.origin);
    await signIn(g.page, server.origin, email);
    const fresh = 'a changed password 9876';
    await g.page.getByRole('link', { name: 'Change password' }).click();
    await g.page.getByLabel('Current password').fill(PASSWORD);
    await g.page.getByLabel('New password', { exact: true }).fill(fresh);
    await g.page.getByLabel('Repeat the new password').fill(fresh);
    await g.page.getByRole('button', { name: 'Change password' }).click();
    await g.page.getByText('Password changed.').waitFor();
    const old = await http(server.origin, 'POST', '/v1/auth/login', { body: { email, password: PASSWORD } });
    assert.equal(old.status, 401);

    await g.page.getByRole('link', { name: 'My data' }).click();
    await g.page.getByRole('button', { name: 'Prepare my data' }).click();
    const [download] = await Promise.all([
      g.page.waitForEvent('download'),
      g.page.getByRole('link', { name: 'Download tessera-account.json' }).click(),
    ]);
    const exported = JSON.parse(readFileSync(await download.path(), 'utf8'));
    assert.equal(exported.user?.email ?? exported.email, email, JSON.stringify(exported).slice(0, 300));

    await g.page.getByRole('button', { name: 'Delete my account…' }).click();
    await g.page.getByLabel('Your password, to confirm').fill(fresh);
    await g.page.getByRole('button', { name: 'Delete my account for good' }).click();
    await g.page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    const gone = await http(server.origin, 'POST', '/v1/auth/login', { body: { email, password: fresh } });
    assert.equal(gone.status, 401);
    forgetOwn401s(g);
    assertClean(g);
    await g.context.close();
  });

  test('admin users: create, search, roles, application claims, password-reset mail, disable', async () => {
    const email = 'managed@example.com';
    const g = await guardedContext(browser, server.origin);
    await signIn(g.page, server.origin, ADMIN_EMAIL);
    await g.page.getByRole('link', { name: 'Users' }).click();
    await g.page.getByText('Create a user').click();
    await g.page.getByLabel('Email').fill(email);
    await g.page.getByLabel('Initial password').fill(PASSWORD);
    await g.page.getByRole('button', { name: 'Create user' }).click();
    await g.page.getByText(`Created ${email}.`).waitFor();

    await g.page.getByLabel('Search users').fill('managed@');
    await until('one search hit', async () => (await g.page.locator('tr[data-user]').count()) === 1);
    const row = g.page.locator(`tr[data-user="${email}"]`);
    await row.getByText(`Manage ${email}`).click();
    await row.getByLabel('Roles', { exact: true }).fill('user, auditor');
    await row.getByRole('button', { name: 'Save roles' }).click();
    await row.getByText('Roles saved.').waitFor();
    await row.getByLabel('Application claims (JSON)').fill('{"sub": "someone else"}');
    await row.getByRole('button', { name: 'Save claims' }).click();
    await row.getByRole('alert').filter({ hasText: /sub/ }).waitFor();
    // That refusal was the server's 400, which the page reports; the only problem expected here.
    assert.deepEqual(g.problems, [
      'console error: Failed to load resource: the server responded with a status of 400 (Bad Request)',
    ]);
    g.problems.length = 0;
    await row.getByLabel('Application claims (JSON)').fill('{"plan": "pro"}');
    await row.getByRole('button', { name: 'Save claims' }).click();
    await row.getByText('Claims saved').waitFor();

    const mailsBefore = mailsTo(server.dir, email).length;
    await row.getByRole('button', { name: 'Send password reset' }).click();
    await g.page.getByRole('dialog').getByRole('button', { name: 'Send' }).click();
    await row.getByText(`A password-reset mail is on its way to ${email}.`).waitFor();
    await until('the reset mail', () => mailsTo(server.dir, email).length > mailsBefore);

    await row.getByRole('button', { name: 'Disable' }).click();
    await g.page.getByRole('dialog').getByRole('button', { name: 'Disable' }).click();
    await row.getByText('disabled', { exact: true }).waitFor();

    const admin = await accessToken(server.origin, ADMIN_EMAIL);
    const list = await http(server.origin, 'GET', '/v1/admin/users?limit=500', { token: admin });
    const stored = list.body.users.find((u: { email: string }) => u.email === email);
    assert.deepEqual(stored.roles, ['user', 'auditor']);
    assert.deepEqual(stored.claims, { plan: 'pro' });
    assert.equal(stored.disabled, true);
    const login = await http(server.origin, 'POST', '/v1/auth/login', {
      body: { email, password: PASSWORD },
    });
    assert.notEqual(login.status, 200, 'a disabled user cannot sign in');
    assertClean(g);
    await g.context.close();
  });

  test('OAuth clients: rotating the secret ends the old one; disabling ends the client', async () => {
    const admin = await accessToken(server.origin, ADMIN_EMAIL);
    const created = await http(server.origin, 'POST', '/v1/admin/clients', {
      token: admin,
      body: { name: 'reports-job', scopes: [], audiences: ['reports'], grant_types: ['client_credentials'] },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id: string = created.body.client_id;
    const oldSecret: string = created.body.client_secret;
    assert.equal(await clientTokenStatus(server.origin, id, oldSecret), 200);

    const g = await guardedContext(browser, server.origin);
    await signIn(g.page, server.origin, ADMIN_EMAIL);
    await g.page.getByRole('link', { name: 'OAuth clients' }).click();
    const row = g.page.getByRole('row').filter({ hasText: id });
    await row.getByRole('button', { name: 'Rotate secret' }).click();
    await g.page.getByRole('dialog').getByRole('button', { name: 'Rotate' }).click();
    const newSecret = (await g.page.getByTestId('client-secret').textContent())!.trim();
    assert.notEqual(newSecret, oldSecret);
    assert.notEqual(await clientTokenStatus(server.origin, id, oldSecret), 200, 'the old secret is refused');
    assert.equal(await clientTokenStatus(server.origin, id, newSecret), 200);
    await g.page.getByRole('button', { name: 'I have stored it' }).click();

    await row.getByRole('button', { name: 'Disable' }).click();
    await g.page.getByRole('dialog').getByRole('button', { name: 'Disable' }).click();
    await row.getByText('disabled', { exact: true }).waitFor();
    assert.notEqual(
      await clientTokenStatus(server.origin, id, newSecret),
      200,
      'a disabled client is refused',
    );
    assertClean(g);
    await g.context.close();
  });

  test('keys: the next scheduled rotation is shown, and revoking a leaked key takes it out of the JWKS', async () => {
    const admin = await accessToken(server.origin, ADMIN_EMAIL);
    assert.equal(
      (await http(server.origin, 'POST', '/v1/admin/keys/rotate', { token: admin, body: {} })).status,
      200,
    );
    const g = await guardedContext(browser, server.origin);
    await signIn(g.page, server.origin, ADMIN_EMAIL);
    await g.page.getByRole('link', { name: 'Signing keys' }).click();
    await g.page.getByText(/Next scheduled rotation: .+ \(in \d+ (days|h)\)/).waitFor();
    const retiring = g.page.locator('li[data-state="retiring"]').first();
    const kid = (await retiring.getAttribute('data-kid'))!;
    const jwks = async () =>
      ((await http(server.origin, 'GET', '/.well-known/jwks.json')).body.keys as Array<{ kid: string }>).map(
        (k) => k.kid,
      );
    assert.ok((await jwks()).includes(kid), 'a retiring key is still published');
    await retiring.getByRole('button', { name: `Revoke ${kid}` }).click();
    await g.page.getByRole('dialog').getByRole('button', { name: 'Revoke the key' }).click();
    await g.page.getByText(`Key ${kid} is revoked`).waitFor();
    assert.equal(await g.page.locator(`li[data-kid="${kid}"]`).getAttribute('data-state'), 'revoked');
    assert.ok(!(await jwks()).includes(kid), 'a revoked key leaves the JWKS');
    assertClean(g);
    await g.context.close();
  });

  test('audit log: every server event in the filter; by event, paged; by user; by time; a row expands', async () => {
    const admin = await accessToken(server.origin, ADMIN_EMAIL);
    for (let i = 0; i < 26; i++) {
      const res = await http(server.origin, 'POST', '/v1/admin/users', {
        token: admin,
        body: { email: `audited-${i}@example.com`, password: PASSWORD, roles: ['user'] },
      });
      assert.equal(res.status, 201);
    }
    const g = await guardedContext(browser, server.origin);
    await signIn(g.page, server.origin, ADMIN_EMAIL);
    await g.page.getByRole('link', { name: 'Audit log' }).click();
    const rows = g.page.locator('tbody tr');
    await rows.first().waitFor();
    const options = await g.page
      .getByLabel('Event')
      .locator('option')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
    assert.deepEqual([...options].sort(), [...AUDIT_EVENTS].sort());

    const cells = (col: string) =>
      g.page.locator(`tbody td[data-label="${col}"]${col === 'Event' ? ' summary' : ''}`).allTextContents();
    await g.page.getByLabel('Event').selectOption('user_created');
    await g.page.getByRole('button', { name: 'Filter' }).click();
    await until('25 user_created rows', async () => {
      const events = await cells('Event');
      return events.length === 25 && events.every((e) => e.trim() === 'user_created');
    });
    const firstPage = await cells('User');
    await g.page.getByRole('button', { name: 'Older' }).click();
    await g.page.getByText('Page 2').waitFor();
    await until('page 2', async () => {
      const users = await cells('User');
      return users.length > 0 && !users.some((u) => firstPage.includes(u));
    });
    assert.ok((await cells('Event')).every((e) => e.trim() === 'user_created'));
    await g.page.getByRole('button', { name: 'Newer' }).click();
    await g.page.getByText('Page 1').waitFor();

    const sub = firstPage[0]!.trim();
    await g.page.getByLabel('Event').selectOption('');
    await g.page.getByLabel('User id').fill(sub);
    await g.page.getByRole('button', { name: 'Filter' }).click();
    await until('only that user', async () => {
      const users = await cells('User');
      return users.length > 0 && users.every((u) => u.trim() === sub);
    });

    await g.page.getByLabel('User id').fill('');
    await g.page.getByLabel('Since').fill(new Date(Date.now() + 86400_000).toISOString().slice(0, 16));
    await g.page.getByRole('button', { name: 'Filter' }).click();
    await g.page.getByText('No events match.').waitFor();
    await g.page.getByLabel('Since').fill(new Date(Date.now() - 3600_000).toISOString().slice(0, 16));
    await g.page.getByRole('button', { name: 'Filter' }).click();
    await rows.first().waitFor();

    const first = rows.first();
    const details = first.locator('pre');
    assert.equal(await details.isVisible(), false);
    await first.locator('summary').click();
    await details.waitFor();
    assert.match((await details.textContent())!, /"id": \d+/);
    assertClean(g);
    await g.context.close();
  });

  test('the debugger annotates: "expires in" times, audiences and an act chain', async () => {
    const g = await guardedContext(browser, server.origin);
    await g.page.goto(`${server.origin}/console/debugger`);
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'ES256', typ: 'at+jwt', kid: 'not-a-key-here' };
    const payload = {
      iss: server.origin,
      sub: 'u_person',
      aud: ['billing', 'reports'],
      exp: now + 240,
      iat: now - 10,
      act: { sub: 'svc-gateway', act: { sub: 'svc-frontend' } },
    };
    const token = `${b64url(header)}.${b64url(payload)}.${Buffer.from('not a signature').toString('base64url')}`;
    await g.page.getByLabel('Token').fill(token);
    await g.page.getByLabel('Expected audience').fill('reports');
    await g.page.getByRole('button', { name: 'Explain' }).click();
    await g.page.getByTestId('verdict').waitFor();
    const claims = g.page.getByRole('region', { name: 'Claims' });
    await claims.getByText(/expires in 4 min/).waitFor();
    await claims.getByText('valid at 2 audiences: billing, reports').waitFor();
    await claims
      .getByText('acting for the subject: svc-gateway ← on behalf of svc-frontend (nested exchange)')
      .waitFor();
    const check = (name: string) => g.page.locator(`li[data-check="${name}"]`);
    assert.equal(await check('aud').getAttribute('data-status'), 'pass');
    assert.equal(await check('kid').getAttribute('data-status'), 'fail');
    assert.match((await g.page.getByTestId('verdict').textContent())!, /Invalid: ERR_JWKS_NO_MATCHING_KEY/);
    assertClean(g);
    await g.context.close();
  });
});
