// Test support for second factors: a real server on a temporary SQLite file whose clock the test
// moves (TOTP windows, mfa_token expiry, auth_time age), and helpers to enrol TOTP over HTTP.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config/load.js';
import { totpCodeAt } from '../../src/mfa/totp.js';
import { type RunningServer, startServer } from '../../src/server.js';
import { GOOD_PASSWORD, request, TEST_ISSUER, uniqueEmail } from './server-harness.js';
import { type SmtpSink, startSmtpSink } from './smtp-sink.js';

export interface ManualClock {
  now(): number;
  advance(ms: number): void;
}

/** Starts in the middle of a 30-second TOTP step, so ±1 step is unambiguous. */
export function manualClock(): ManualClock {
  let t = Math.floor(Date.now() / 30_000) * 30_000 + 15_000;
  return {
    now: () => t,
    advance(ms) {
      t += ms;
    },
  };
}

export interface MfaTestServer {
  server: RunningServer;
  url: string;
  clock: ManualClock;
  stop(): Promise<void>;
}

export async function startMfaServer(env: Record<string, string> = {}): Promise<MfaTestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-mfa-'));
  const clock = manualClock();
  const config = loadConfig({
    TESSERA_HOST: '127.0.0.1',
    TESSERA_PORT: '0',
    TESSERA_ISSUER: TEST_ISSUER,
    TESSERA_DATABASE_URL: `sqlite:${join(dir, 'tessera.db')}`,
    TESSERA_LOG_LEVEL: 'warn',
    // Every request of these tests comes from 127.0.0.1: the per-IP login limit is not under test.
    TESSERA_LOGIN_LIMIT_IP: '100000/15m',
    ...env,
  });
  const sink = new Writable({ write: (_c, _e, done) => done() });
  const server = await startServer(config, { logDestination: sink, cwd: dir, clock });
  return {
    server,
    url: server.url,
    clock,
    async stop() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The base32 secret inside an otpauth:// URI. */
export function secretOf(uri: string): string {
  const secret = new URL(uri).searchParams.get('secret');
  if (!secret) throw new Error(`no secret in ${uri}`);
  return secret;
}

export function codeAt(secret: string, ms: number): string {
  return totpCodeAt(secret, ms);
}

/** Registers, logs in (password only), enrols and confirms TOTP. */
export async function userWithTotp(t: MfaTestServer, email = uniqueEmail('totp')) {
  const reg = await request(t.url, 'POST', '/v1/auth/register', { body: { email, password: GOOD_PASSWORD } });
  if (reg.status !== 201) throw new Error(`register: ${reg.status} ${reg.text}`);
  const login = await request(t.url, 'POST', '/v1/auth/login', {
    body: { email, password: GOOD_PASSWORD, refresh_token_in_body: true },
  });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${login.text}`);
  const enrol = await request(t.url, 'POST', '/v1/me/factors/totp', {
    token: login.body.access_token,
    body: {},
  });
  if (enrol.status !== 201) throw new Error(`enrol: ${enrol.status} ${enrol.text}`);
  const secret = secretOf(enrol.body.otpauth_uri);
  const confirm = await request(t.url, 'POST', `/v1/me/factors/totp/${enrol.body.id}/confirm`, {
    token: login.body.access_token,
    body: { code: codeAt(secret, t.clock.now()) },
  });
  if (confirm.status !== 201) throw new Error(`confirm: ${confirm.status} ${confirm.text}`);
  // The confirming code used this step; later tests start from the next one.
  t.clock.advance(30_000);
  return {
    email,
    userId: reg.body.user.id as string,
    secret,
    factorId: enrol.body.id as string,
    recoveryCodes: confirm.body.recovery_codes as string[],
    accessToken: login.body.access_token as string,
  };
}

/** The password step; returns the mfa_token (asserting the 401 shape is the test's job). */
export function passwordStep(t: MfaTestServer, email: string, extra: Record<string, unknown> = {}) {
  return request(t.url, 'POST', '/v1/auth/login', { body: { email, password: GOOD_PASSWORD, ...extra } });
}

export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

/** An MFA test server whose mail goes over real SMTP to an in-process sink; stop() ends both. */
export async function startMailedMfaServer(
  env: Record<string, string> = {},
): Promise<{ t: MfaTestServer; smtp: SmtpSink; stop(): Promise<void> }> {
  const smtp = await startSmtpSink();
  const t = await startMfaServer({
    TESSERA_SMTP_URL: smtp.url,
    TESSERA_MAIL_FROM: 'Tessera Test <auth@tessera.test>',
    ...env,
  });
  return {
    t,
    smtp,
    async stop() {
      await t.stop();
      await smtp.close();
    },
  };
}
