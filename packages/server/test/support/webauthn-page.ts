// A minimal same-origin page for WebAuthn tests: the browser half of registration and sign-in
// with @simplewebauthn/browser, calling the server's routes with fetch. The test serves it at the
// issuer's origin (http://localhost:PORT is a secure context) by intercepting one path.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const BUNDLE = join(
  dirname(require.resolve('@simplewebauthn/browser')),
  '..',
  'dist',
  'bundle',
  'index.umd.min.js',
);

export const TEST_PAGE_PATH = '/__test/webauthn.html';
const BUNDLE_PATH = '/__test/simplewebauthn-browser.js';

const HTML = `<!doctype html><meta charset="utf-8"><title>webauthn test</title>
<script src="${BUNDLE_PATH}"></script>
<script>
const { startRegistration, startAuthentication } = SimpleWebAuthnBrowser;
async function call(method, path, body, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = 'Bearer ' + token;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
window.registerPasskey = async (token, name) => {
  const options = await call('POST', '/v1/me/factors/webauthn/options', {}, token);
  if (options.status !== 200) return options;
  const response = await startRegistration({ optionsJSON: options.body });
  return call('POST', '/v1/me/factors/webauthn', { response, name }, token);
};
window.passkeySignIn = async () => {
  const options = await call('POST', '/v1/auth/webauthn/options', {});
  const response = await startAuthentication({ optionsJSON: options.body });
  return call('POST', '/v1/auth/webauthn', { response, refresh_token_in_body: true });
};
window.secondStep = async (mfaToken) => {
  const options = await call('POST', '/v1/auth/webauthn/options', { mfa_token: mfaToken });
  if (options.status !== 200) return options;
  const response = await startAuthentication({ optionsJSON: options.body });
  return call('POST', '/v1/auth/mfa', { mfa_token: mfaToken, method: 'webauthn', response });
};
window.enrolWithToken = async (mfaToken, name) => {
  const options = await call('POST', '/v1/me/factors/webauthn/options', { mfa_token: mfaToken });
  if (options.status !== 200) return options;
  const response = await startRegistration({ optionsJSON: options.body });
  return call('POST', '/v1/me/factors/webauthn', { response, name, mfa_token: mfaToken });
};
// An attacker's move: a passkey assertion for an open (usernameless) challenge, sent as the
// second step of someone else's sign-in.
window.foreignSecondStep = async (mfaToken) => {
  const options = await call('POST', '/v1/auth/webauthn/options', {});
  const response = await startAuthentication({ optionsJSON: options.body });
  return call('POST', '/v1/auth/mfa', { mfa_token: mfaToken, method: 'webauthn', response });
};
window.stepUp = async (token) => {
  const options = await call('POST', '/v1/auth/webauthn/options', {}, token);
  const response = await startAuthentication({ optionsJSON: options.body });
  return call('POST', '/v1/auth/step-up', { method: 'webauthn', response }, token);
};
</script>`;

/** Serves the page and the @simplewebauthn/browser bundle at `origin` inside this page's context. */
export async function openTestPage(page: Page, origin: string): Promise<void> {
  const bundle = readFileSync(BUNDLE, 'utf8');
  await page.route(`${origin}${TEST_PAGE_PATH}`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: HTML }),
  );
  await page.route(`${origin}${BUNDLE_PATH}`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/javascript', body: bundle }),
  );
  await page.goto(`${origin}${TEST_PAGE_PATH}`);
}
