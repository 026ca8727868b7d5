// Passkeys end to end in real Chromium with the DevTools protocol's virtual authenticator: register,
// sign in with the passkey alone, use it as the second step after a password, step-up, and the
// attacks — a removed credential and a cloned authenticator whose signature counter went back.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { CDPSession, Page } from 'playwright-core';
import { type Chromium, chromiumUnavailable, launchChromium } from './support/chromium.js';
import { claimsOf, type MfaTestServer, passwordStep, startMfaServer } from './support/mfa-harness.js';
import { GOOD_PASSWORD, refreshCookie, registerAndLogin, request } from './support/server-harness.js';
import { openTestPage } from './support/webauthn-page.js';

const skip = chromiumUnavailable();
const ADMIN_EMAIL = 'admin@example.com';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

interface BrowserResult {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON bodies are asserted field by field
  body: any;
}

/** A fresh page with its own virtual authenticator (a user's device). */
async function newDevice(
  browser: Chromium,
  origin: string,
): Promise<{ page: Page; cdp: CDPSession; authenticatorId: string }> {
  const page = await browser.context.newPage();
  await openTestPage(page, origin);
  const cdp = await browser.context.newCDPSession(page);
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
  return { page, cdp, authenticatorId };
}

// WebAuthn needs the page focused: with several devices (tabs) open, bring this one to the front.
async function inPage(page: Page, fn: string, ...args: unknown[]): Promise<BrowserResult> {
  await page.bringToFront();
  return page.evaluate(
    ([name, params]) =>
      (window as unknown as Record<string, (...a: unknown[]) => Promise<BrowserResult>>)[name as string]!(
        ...(params as unknown[]),
      ),
    [fn, args] as const,
  );
}

/**
 * For one describe: a server on a localhost origin (a WebAuthn relying party needs a name, not an
 * IP address) with the bootstrap admin, and a Chromium; both stopped after the describe.
 */
function passkeyBed(env: Record<string, string>): { t: MfaTestServer; browser: Chromium; origin: string } {
  const bed = {} as { t: MfaTestServer; browser: Chromium; origin: string };
  before(async () => {
    const port = await freePort();
    bed.origin = `http://localhost:${port}`;
    bed.t = await startMfaServer({
      TESSERA_PORT: String(port),
      TESSERA_ISSUER: bed.origin,
      TESSERA_BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
      TESSERA_BOOTSTRAP_ADMIN_PASSWORD: GOOD_PASSWORD,
      ...env,
    });
    bed.browser = await launchChromium();
  });
  after(async () => {
    await bed.browser?.close();
    await bed.t?.stop();
  });
  return bed;
}

describe('passkeys in Chromium (virtual authenticator)', { skip }, () => {
  const bed = passkeyBed({ TESSERA_MFA_REQUIRED_ROLES: 'admin' });
  let t: MfaTestServer;
  let browser: Chromium;
  let origin: string;
  before(() => {
    ({ t, browser, origin } = bed);
  });

  const device = () => newDevice(browser, origin);

  test('register a named passkey, then sign in with it alone (usernameless)', async () => {
    const user = await registerAndLogin(t.url);
    const { page, cdp, authenticatorId } = await device();
    const reg = await inPage(page, 'registerPasskey', user.accessToken, 'Laptop');
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
    assert.equal(reg.body.factor.type, 'webauthn');
    assert.equal(reg.body.factor.name, 'Laptop');
    assert.equal(reg.body.recovery_codes.length, 10);
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.equal(credentials.length, 1);
    assert.equal(credentials[0]?.isResidentCredential, true);

    const signIn = await inPage(page, 'passkeySignIn');
    assert.equal(signIn.status, 200, JSON.stringify(signIn.body));
    const claims = claimsOf(signIn.body.access_token);
    assert.equal(claims.sub, user.userId);
    assert.deepEqual(claims.amr, ['hwk', 'user', 'mfa']);
    assert.equal(typeof claims.auth_time, 'number');
    await page.close();
  });

  test('several passkeys per user; a passkey as the second step after the password; step-up', async () => {
    const user = await registerAndLogin(t.url);
    const laptop = await device();
    const phone = await device();
    assert.equal((await inPage(laptop.page, 'registerPasskey', user.accessToken, 'Laptop')).status, 201);
    assert.equal((await inPage(phone.page, 'registerPasskey', user.accessToken, 'Phone')).status, 201);
    const list = await request(t.url, 'GET', '/v1/me/factors', { token: user.accessToken });
    assert.deepEqual(list.body.factors.map((f: { name: string }) => f.name).sort(), ['Laptop', 'Phone']);

    const step = await passwordStep(t, user.email);
    assert.equal(step.status, 401);
    assert.deepEqual(step.body.methods, ['webauthn', 'recovery_code']);
    const done = await inPage(phone.page, 'secondStep', step.body.mfa_token);
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.deepEqual(claimsOf(done.body.access_token).amr, ['hwk', 'pwd', 'mfa']);
    // The same mfa_token cannot be used again, even with a fresh assertion.
    const again = await inPage(laptop.page, 'secondStep', step.body.mfa_token);
    assert.equal(again.status, 401);

    t.clock.advance(10 * 60_000);
    const up = await inPage(laptop.page, 'stepUp', done.body.access_token);
    assert.equal(up.status, 200, JSON.stringify(up.body));
    assert.equal(claimsOf(up.body.access_token).auth_time, Math.floor(t.clock.now() / 1000));
    await laptop.page.close();
    await phone.page.close();
  });

  test('a removed passkey is refused', async () => {
    const user = await registerAndLogin(t.url);
    const d = await device();
    const reg = await inPage(d.page, 'registerPasskey', user.accessToken, 'Key');
    const signIn = await inPage(d.page, 'passkeySignIn');
    assert.equal(signIn.status, 200);
    // The passkey sign-in is a fresh second factor, so the last factor may be removed with it.
    const del = await request(t.url, 'DELETE', `/v1/me/factors/${reg.body.factor.id}`, {
      token: signIn.body.access_token,
    });
    assert.equal(del.status, 204);
    // The authenticator still holds the credential; the server no longer accepts it.
    const { credentials } = await d.cdp.send('WebAuthn.getCredentials', {
      authenticatorId: d.authenticatorId,
    });
    assert.equal(credentials.length, 1);
    const refused = await inPage(d.page, 'passkeySignIn');
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error, 'invalid_factor');
    await d.page.close();
  });

  test('a cloned authenticator whose signature counter went back is refused', async () => {
    const user = await registerAndLogin(t.url);
    const d = await device();
    assert.equal((await inPage(d.page, 'registerPasskey', user.accessToken, 'Key')).status, 201);
    assert.equal((await inPage(d.page, 'passkeySignIn')).status, 200);
    assert.equal((await inPage(d.page, 'passkeySignIn')).status, 200);
    const { credentials } = await d.cdp.send('WebAuthn.getCredentials', {
      authenticatorId: d.authenticatorId,
    });
    const original = credentials[0]!;
    assert.ok(original.signCount >= 2, `signCount ${original.signCount}`);

    // The clone: same private key on another authenticator, its counter behind the original's.
    const clone = await device();
    await clone.cdp.send('WebAuthn.addCredential', {
      authenticatorId: clone.authenticatorId,
      credential: { ...original, signCount: 0 },
    });
    const refused = await inPage(clone.page, 'passkeySignIn');
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error, 'invalid_factor');
    // The genuine authenticator, whose counter moves forward, still works.
    assert.equal((await inPage(d.page, 'passkeySignIn')).status, 200);
    // Control: the same clone with a counter ahead of the server's is accepted, so the counter
    // alone made the difference above.
    await clone.cdp.send('WebAuthn.removeCredential', {
      authenticatorId: clone.authenticatorId,
      credentialId: original.credentialId,
    });
    await clone.cdp.send('WebAuthn.addCredential', {
      authenticatorId: clone.authenticatorId,
      credential: { ...original, signCount: original.signCount + 100 },
    });
    assert.equal((await inPage(clone.page, 'passkeySignIn')).status, 200);
    await d.page.close();
    await clone.page.close();
  });

  test("another user's passkey does not complete a sign-in", async () => {
    const alice = await registerAndLogin(t.url);
    const bob = await registerAndLogin(t.url);
    const aliceDevice = await device();
    const bobDevice = await device();
    assert.equal((await inPage(aliceDevice.page, 'registerPasskey', alice.accessToken, 'A')).status, 201);
    assert.equal((await inPage(bobDevice.page, 'registerPasskey', bob.accessToken, 'B')).status, 201);
    // Alice knows Bob's password but holds only her own passkey.
    const step = await passwordStep(t, bob.email);
    assert.equal(step.body.error, 'mfa_required');
    const refused = await inPage(aliceDevice.page, 'foreignSecondStep', step.body.mfa_token);
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error, 'invalid_factor');
    // Bob's own passkey still completes it.
    const ok = await inPage(bobDevice.page, 'secondStep', step.body.mfa_token);
    assert.equal(ok.status, 200);
    assert.equal(claimsOf(ok.body.access_token).sub, bob.userId);
    await aliceDevice.page.close();
    await bobDevice.page.close();
  });

  test('a user in an MFA-required role enrols a passkey with the enrolment token, then gets tokens', async () => {
    const step = await passwordStep(t, ADMIN_EMAIL);
    assert.equal(step.status, 401);
    assert.equal(step.body.error, 'mfa_enrollment_required');
    assert.equal(refreshCookie(step), undefined);
    const d = await device();
    const enrolled = await inPage(d.page, 'enrolWithToken', step.body.mfa_token, 'Admin key');
    assert.equal(enrolled.status, 201, JSON.stringify(enrolled.body));
    assert.equal(enrolled.body.factor.name, 'Admin key');
    assert.equal(enrolled.body.recovery_codes.length, 10);
    const claims = claimsOf(enrolled.body.access_token);
    assert.deepEqual(claims.roles, ['admin']);
    assert.deepEqual(claims.amr, ['hwk', 'pwd', 'mfa']);
    // Next time: the ordinary second step, with the passkey.
    const next = await passwordStep(t, ADMIN_EMAIL);
    assert.equal(next.body.error, 'mfa_required');
    assert.equal((await inPage(d.page, 'secondStep', next.body.mfa_token)).status, 200);
    await d.page.close();
  });
});

// TESSERA_REQUIRE_EMAIL_VERIFICATION: a passkey proves who signs in, not that the address is
// confirmed. An account whose address is unverified (here: an admin withdrew it) gets no token
// from a passkey it registered earlier, exactly as a password login is refused.
describe('passkey sign-in and email verification', { skip }, () => {
  const bed = passkeyBed({ TESSERA_REQUIRE_EMAIL_VERIFICATION: 'true' });
  let t: MfaTestServer;
  let browser: Chromium;
  let origin: string;
  before(() => {
    ({ t, browser, origin } = bed);
  });

  test('an unverified address gets no token from a passkey: 403 email_not_verified, audited', async () => {
    const adminLogin = await request(t.url, 'POST', '/v1/auth/login', {
      body: { email: ADMIN_EMAIL, password: GOOD_PASSWORD },
    });
    assert.equal(adminLogin.status, 200, adminLogin.text);
    const admin = adminLogin.body.access_token as string;
    const email = `passkey-unverified-${Date.now()}@example.com`;
    const created = await request(t.url, 'POST', '/v1/admin/users', {
      token: admin,
      body: { email, password: GOOD_PASSWORD },
    });
    assert.equal(created.status, 201, created.text);
    const id = created.body.user.id as string;
    const verify = (email_verified: boolean) =>
      request(t.url, 'PATCH', `/v1/admin/users/${id}`, { token: admin, body: { email_verified } });
    assert.equal((await verify(true)).status, 200);
    const login = await request(t.url, 'POST', '/v1/auth/login', {
      body: { email, password: GOOD_PASSWORD },
    });
    assert.equal(login.status, 200, login.text);

    const d = await newDevice(browser, origin);
    const reg = await inPage(d.page, 'registerPasskey', login.body.access_token, 'Phone');
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
    assert.equal((await inPage(d.page, 'passkeySignIn')).status, 200, 'verified: the passkey signs in');

    assert.equal((await verify(false)).status, 200);
    const refused = await inPage(d.page, 'passkeySignIn');
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.equal(refused.body.error, 'email_not_verified');
    assert.equal(refused.body.access_token, undefined);
    const audited = await t.server.ctx.stores.audit.query({ event: 'login_failed', sub: id, limit: 10 });
    assert.ok(audited.some((e) => (e.details as { method?: string } | null)?.method === 'passkey'));
    await d.page.close();
  });
});
