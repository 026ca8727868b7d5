// The console in a real Chromium against a real server (temporary SQLite file): signing in keeps
// the refresh token out of JavaScript's reach, a reload restores the session, a session revoked
// from another browser signs the first out, a key rotation shows on the timeline, the debugger
// explains an expired and a wrong-audience token without sending them anywhere, and every page
// passes axe-core. Any console error, CSP violation or request to another origin fails a test.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
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
      // The revoked session's own 401s are expected network outcomes, not page errors.
      g.problems.splice(0, g.problems.length, ...g.problems.filter((p) => !/status of 401/.test(p)));
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
    assert.match(
      (await check('aud').textContent())!,
      /wrong audience: the token is for tessera, expected billing/,
    );
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
});
