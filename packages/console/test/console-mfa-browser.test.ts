// The console's second-factor pages in a real Chromium against a real server: an authenticator app
// enrolled from the page (the test computes codes from the key the page shows, with otpauth like the
// server), the second sign-in step with a TOTP code and with a recovery code, new recovery codes
// behind the step-up dialog (the old ones then fail), a passkey registered and used — alone and as
// the second step — through the DevTools virtual authenticator, the enrolment a required role forces
// before any token, and an admin resetting a user's factors. axe-core checks each new page; any
// console error (other than the expected 401 answers), CSP violation or foreign request fails.
// The API-level passkey attacks (cloned counter, removed credential) are the server's tests.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Secret, TOTP } from 'otpauth';
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
const PHONE = { width: 390, height: 844 };

/** A DevTools virtual authenticator on the page (a device with a platform passkey), page in front. */
async function addPasskeyDevice(g: Guarded) {
  const cdp = await g.context.newCDPSession(g.page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  await g.page.bringToFront();
  return { cdp, authenticatorId };
}

/** The code an authenticator app shows `steps` 30-second steps from now (RFC 6238, SHA-1, 6 digits). */
function totpCode(secret: string, steps = 0): string {
  const totp = new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
  return totp.generate({ timestamp: Date.now() + steps * 30_000 });
}

async function passwordStep(page: Page, origin: string, email: string): Promise<void> {
  await page.goto(`${origin}/console/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

async function signedIn(page: Page): Promise<void> {
  await page.getByRole('heading', { level: 1, name: 'My sessions' }).waitFor();
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
}

async function openSecurity(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Second factors' }).click();
  await page.getByRole('heading', { level: 1, name: 'Second factors' }).waitFor();
}

/** Page problems, less the 401s the flows expect (mfa_required, a refused code, the step-up challenge). */
function assertClean(g: Guarded): void {
  const unexpected = g.problems.filter((p) => !/status of 401/.test(p));
  assert.deepEqual(unexpected, [], 'the page reported problems');
}

/** axe-core and the phone-width overflow check, plus a screenshot into test-artifacts/console/. */
async function axeInto(failures: string[], page: Page, where: string): Promise<void> {
  for (const v of await axeViolations(page)) failures.push(`${where}: ${v}`);
  await screenshot(page, `mfa-${where.replace(/[^a-z0-9]+/gi, '-')}-${page.viewportSize()?.width ?? 0}`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
  if (overflow > 0) failures.push(`${where}: ${overflow}px wider than the viewport`);
}

describe('console second factors in Chromium', { skip: missing }, () => {
  let server: ConsoleServer;
  let browser: Browser;
  let admin: string;

  before(async () => {
    server = await startConsoleServer({ TESSERA_MFA_REQUIRED_ROLES: 'finance' }, { hostname: 'localhost' });
    browser = await launch();
    admin = await accessToken(server.origin, ADMIN_EMAIL);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function createUser(email: string, roles = ['user']): Promise<string> {
    const res = await http(server.origin, 'POST', '/v1/admin/users', {
      token: admin,
      body: { email, password: PASSWORD, roles },
    });
    assert.equal(res.status, 201);
    return res.body.user.id;
  }

  async function loginStatus(email: string): Promise<{ status: number; error?: string }> {
    const res = await http(server.origin, 'POST', '/v1/auth/login', {
      body: { email, password: PASSWORD, refresh_token_in_body: true },
    });
    return { status: res.status, error: res.body?.error };
  }

  test('authenticator app: enrol from the page, step up for new recovery codes, sign in with a code and with a recovery code (phone width)', async () => {
    const email = 'totp@example.com';
    await createUser(email);
    const failures: string[] = [];
    const g = await guardedContext(browser, server.origin, PHONE);
    const { page } = g;
    await passwordStep(page, server.origin, email);
    await signedIn(page);
    await openSecurity(page);
    await page.getByText('No second factor yet').waitFor();
    await axeInto(failures, page, 'security, no factor');

    // A started and cancelled set-up leaves no unconfirmed factor behind.
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    await page.getByTestId('totp-secret').waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Set up an authenticator app' }).waitFor();
    await page.getByText('No second factor yet').waitFor();

    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const secret = (await page.getByTestId('totp-secret').getAttribute('data-secret')) ?? '';
    assert.match(secret, /^[A-Z2-7]{32}$/, 'the key is shown as base32 text');
    const qr = page.getByRole('img', { name: 'QR code of the authenticator key' });
    assert.ok((await qr.locator('path').count()) >= 2, 'the QR code is drawn as inline SVG paths');
    await axeInto(failures, page, 'security, enrolling');

    await page.getByLabel('The 6-digit code the app shows now').fill(totpCode(secret));
    await page.getByRole('button', { name: 'Confirm and turn on' }).click();
    const codeList = page.getByTestId('recovery-codes').locator('li');
    await codeList.first().waitFor();
    const firstCodes = await codeList.allTextContents();
    assert.equal(firstCodes.length, 10, 'ten recovery codes come with the first factor');
    await page.getByText('Authenticator app turned on').waitFor();
    await axeInto(failures, page, 'security, recovery codes shown');
    await page.getByRole('button', { name: 'I have stored them' }).click();
    assert.equal(await page.getByTestId('recovery-codes').count(), 0, 'the codes are shown once');
    await page.locator('tr[data-factor="Authenticator app"]').waitFor();

    // This session signed in with the password alone: new codes need a second factor first.
    await page.getByRole('button', { name: 'Make new recovery codes' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Make new codes' }).click();
    const stepUp = page.getByRole('dialog', { name: 'Confirm a second factor' });
    await stepUp.waitFor();
    await axeInto(failures, page, 'step-up dialog');
    await stepUp.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await stepUp.getByLabel('Recovery code').fill(firstCodes[0]!);
    await stepUp.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('New recovery codes made').waitFor();
    const newCodes = await codeList.allTextContents();
    assert.equal(newCodes.length, 10);
    assert.ok(!newCodes.some((c) => firstCodes.includes(c)), 'the new codes are new');
    await page.getByRole('button', { name: 'I have stored them' }).click();
    await page.getByText('10 unused recovery codes left.').waitFor();
    await signOut(page);

    // Password, then a wrong code (refused, the form stays), then the app's code.
    await passwordStep(page, server.origin, email);
    await page.getByRole('heading', { level: 1, name: 'Second step' }).waitFor();
    await axeInto(failures, page, 'second step');
    const code = page.getByLabel('Code from your authenticator app');
    const wrong = totpCode(secret, 10);
    await code.fill(wrong);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').filter({ hasText: 'not accepted' }).waitFor();
    // One step ahead: within the accepted drift, and later than the step spent at enrolment.
    await code.fill(totpCode(secret, 1));
    await page.getByRole('button', { name: 'Verify' }).click();
    await signedIn(page);
    await signOut(page);

    // A recovery code of the new set signs in; one of the old set no longer does.
    await passwordStep(page, server.origin, email);
    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await page.getByLabel('Recovery code').fill(firstCodes[1]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').filter({ hasText: 'not accepted' }).waitFor();
    await page.getByLabel('Recovery code').fill(newCodes[0]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await signedIn(page);
    await openSecurity(page);
    await page.getByText('9 unused recovery codes left.').waitFor();

    assertClean(g);
    await g.context.close();
    assert.deepEqual(failures, []);
  });

  test('passkey: register and name it, sign in with it alone and as the second step, remove it', async () => {
    const email = 'passkey@example.com';
    const id = await createUser(email);
    const failures: string[] = [];
    const g = await guardedContext(browser, server.origin);
    const { page } = g;
    const { cdp, authenticatorId } = await addPasskeyDevice(g);

    await passwordStep(page, server.origin, email);
    await signedIn(page);
    await openSecurity(page);
    await page.getByLabel('Name of the new passkey').fill('Test laptop');
    await page.getByRole('button', { name: 'Register a passkey' }).click();
    await page.getByText('Passkey “Test laptop” registered.').waitFor();
    assert.equal(await page.getByTestId('recovery-codes').locator('li').count(), 10);
    await page.getByRole('button', { name: 'I have stored them' }).click();
    const row = page.locator('tr[data-factor="Test laptop"]');
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /Passkey/);
    await axeInto(failures, page, 'security, passkey listed');
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.equal(credentials.length, 1);
    assert.equal(credentials[0]!.isResidentCredential, true, 'a discoverable credential');
    await signOut(page);

    // Usernameless: no email, no password.
    await page.goto(`${server.origin}/console/`);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await signedIn(page);
    await page.getByText(new RegExp(`Signed in as (${email}|${id})`)).waitFor();
    await signOut(page);

    // As the second step after the password.
    await passwordStep(page, server.origin, email);
    await page.getByRole('heading', { level: 1, name: 'Second step' }).waitFor();
    await axeInto(failures, page, 'second step with a passkey');
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await signedIn(page);

    // The last factor goes (this session proved a passkey just now, so no step-up is asked).
    await openSecurity(page);
    await row.getByRole('button', { name: 'Remove Test laptop' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await page.getByText('Removed Test laptop.').waitFor();
    await page.getByText('No second factor yet').waitFor();
    assert.deepEqual(await loginStatus(email), { status: 200, error: undefined });

    assertClean(g);
    await g.context.close();
    assert.deepEqual(failures, []);
  });

  test('a role that requires a second factor enrols one on the sign-in page before any token', async () => {
    const email = 'finance@example.com';
    await createUser(email, ['finance']);
    const failures: string[] = [];
    const g = await guardedContext(browser, server.origin, PHONE);
    const { page } = g;
    await passwordStep(page, server.origin, email);
    await page.getByRole('heading', { level: 1, name: 'Set up a second factor' }).waitFor();
    const secret = (await page.getByTestId('totp-secret').getAttribute('data-secret')) ?? '';
    assert.match(secret, /^[A-Z2-7]{32}$/);
    await axeInto(failures, page, 'forced enrolment');
    // No session exists yet: nothing to refresh with.
    assert.equal((await g.context.cookies()).filter((c) => c.name === 'tessera_rt').length, 0);

    await page.getByLabel('The 6-digit code the app shows now').fill(totpCode(secret));
    await page.getByRole('button', { name: 'Confirm and turn on' }).click();
    await page.getByRole('heading', { level: 1, name: 'Second factor ready' }).waitFor();
    assert.equal(await page.getByTestId('recovery-codes').locator('li').count(), 10);
    await axeInto(failures, page, 'forced enrolment, recovery codes');
    await page.getByRole('button', { name: 'I have stored them: continue' }).click();
    await signedIn(page);
    await page.reload();
    await signedIn(page);
    assert.deepEqual(await loginStatus(email), { status: 401, error: 'mfa_required' });

    assertClean(g);
    await g.context.close();
    assert.deepEqual(failures, []);
  });

  test('a required role may enrol a passkey instead, on the sign-in page', async () => {
    const email = 'finance-passkey@example.com';
    await createUser(email, ['finance']);
    const g = await guardedContext(browser, server.origin);
    const { page } = g;
    await addPasskeyDevice(g);
    await passwordStep(page, server.origin, email);
    await page.getByRole('heading', { level: 1, name: 'Set up a second factor' }).waitFor();
    await page.getByRole('button', { name: 'Register a passkey instead' }).click();
    await page.getByRole('heading', { level: 1, name: 'Second factor ready' }).waitFor();
    await page.getByRole('button', { name: 'I have stored them: continue' }).click();
    await signedIn(page);
    await openSecurity(page);
    await page.locator('tr[data-factor="Passkey"]').waitFor();
    assertClean(g);
    await g.context.close();
  });

  test('removing the last factor from a password-only session asks for a factor first; cancelling keeps it', async () => {
    const email = 'last-factor@example.com';
    await createUser(email);
    const g = await guardedContext(browser, server.origin);
    const { page } = g;
    // The browser's session signs in with the password alone; the factor is added from elsewhere.
    await passwordStep(page, server.origin, email);
    await signedIn(page);
    const token = await accessToken(server.origin, email);
    const started = await http(server.origin, 'POST', '/v1/me/factors/totp', { token, body: {} });
    const secret = new URL(started.body.otpauth_uri).searchParams.get('secret')!;
    const confirmed = await http(server.origin, 'POST', `/v1/me/factors/totp/${started.body.id}/confirm`, {
      token,
      body: { code: totpCode(secret) },
    });
    assert.equal(confirmed.status, 201);

    await openSecurity(page);
    const row = page.locator('tr[data-factor="Authenticator app"]');
    const remove = async () => {
      await row.getByRole('button', { name: 'Remove Authenticator app' }).click();
      await page
        .getByRole('dialog', { name: 'Remove Authenticator app?' })
        .getByRole('button', { name: 'Remove' })
        .click();
    };
    const stepUp = page.getByRole('dialog', { name: 'Confirm a second factor' });
    await remove();
    await stepUp.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('alert').filter({ hasText: 'insufficient_user_authentication' }).waitFor();
    await row.waitFor();

    await remove();
    await stepUp.getByLabel('Code from your authenticator app').fill(totpCode(secret, 1));
    await stepUp.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('Removed Authenticator app.').waitFor();
    await page.getByText('No second factor yet').waitFor();
    assert.deepEqual(await loginStatus(email), { status: 200, error: undefined });
    assertClean(g);
    await g.context.close();
  });

  test("an admin sees a user's factors and resets them after a confirmation", async () => {
    const email = 'lost-phone@example.com';
    const id = await createUser(email);
    // Set-up through the API: the user has an authenticator app.
    const token = await accessToken(server.origin, email);
    const started = await http(server.origin, 'POST', '/v1/me/factors/totp', { token, body: {} });
    const secret = new URL(started.body.otpauth_uri).searchParams.get('secret')!;
    const confirmed = await http(server.origin, 'POST', `/v1/me/factors/totp/${started.body.id}/confirm`, {
      token,
      body: { code: totpCode(secret) },
    });
    assert.equal(confirmed.status, 201);
    assert.deepEqual(await loginStatus(email), { status: 401, error: 'mfa_required' });

    const failures: string[] = [];
    const g = await guardedContext(browser, server.origin);
    const { page } = g;
    await passwordStep(page, server.origin, ADMIN_EMAIL);
    await signedIn(page);
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByLabel('Search users').fill(email);
    const row = page.locator(`tr[data-user="${email}"]`);
    await row.getByText(`Manage ${email}`).click();
    const factors = row.getByTestId('user-factors');
    await factors.getByText('Authenticator app “Authenticator app”').waitFor();
    await factors.getByText('10 unused recovery codes.').waitFor();
    await axeInto(failures, page, 'admin user factors');

    await factors.getByRole('button', { name: 'Reset second factors' }).click();
    const dialog = page.getByRole('dialog', { name: `Reset the second factors of ${email}?` });
    await dialog.getByRole('button', { name: 'Reset' }).click();
    await factors.getByText(`Removed 1 second factor and every recovery code of ${email}.`).waitFor();
    await factors.getByText('None: the password alone signs this user in.').waitFor();

    assert.deepEqual(await loginStatus(email), { status: 200, error: undefined });
    const audit = await http(server.origin, 'GET', `/v1/admin/audit?event=mfa_factors_reset&sub=${id}`, {
      token: admin,
    });
    assert.equal(audit.status, 200);
    assert.equal(JSON.stringify(audit.body).includes('mfa_factors_reset'), true);

    assertClean(g);
    await g.context.close();
    assert.deepEqual(failures, []);
  });
});
