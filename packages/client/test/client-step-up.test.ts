// Second factors through the SDK against the real server and a real resource service that uses
// @tessera/verify with requireAmr: login answering MfaRequiredError, completeMfa, and fetch turning
// an RFC 9470 challenge into the onStepUp prompt, stepping up and retrying.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig, type RunningServer, startServer } from '@tessera/server';
import { createNodeAuth, createRemoteVerifier, type RemoteVerifier } from '@tessera/verify';
import { TOTP } from 'otpauth';
import {
  createTesseraClient,
  MfaRequiredError,
  parseStepUpChallenge,
  type RefreshTokenStorage,
  type StepUpChallenge,
  type TesseraClientOptions,
} from '../src/index.js';

const PASSWORD = 'correct horse battery staple';
let server: RunningServer;
let dir: string;
let resource: Server;
let resourceUrl: string;
let verifier: RemoteVerifier;

/**
 * Client options with the resource service allowed to receive the bearer token (clients that
 * limit the bearer to chosen origins read `allowedOrigins`; a variable, not a literal, so this
 * compiles with either client version).
 */
function options(base: TesseraClientOptions): TesseraClientOptions {
  const withOrigins = { ...base, allowedOrigins: [resourceUrl] };
  return withOrigins;
}

function memoryStorage(): RefreshTokenStorage {
  let value: string | null = null;
  return {
    get: () => value,
    set: (t) => {
      value = t;
    },
    delete: () => {
      value = null;
    },
  };
}

async function call(path: string, body: unknown, token?: string) {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A code for `offsetSteps` 30-second steps from now (the server accepts one step either side). */
function code(secret: string, offsetSteps = 0): string {
  return new TOTP({ secret, digits: 6, period: 30 }).generate({
    timestamp: Date.now() + offsetSteps * 30_000,
  });
}

/** Registers, enrols TOTP with a password-only token; returns the secret and that token. */
async function userWithTotp(email: string) {
  assert.equal((await call('/v1/auth/register', { email, password: PASSWORD })).status, 201);
  const login = await call('/v1/auth/login', { email, password: PASSWORD, refresh_token_in_body: true });
  const token = login.body.access_token as string;
  const enrol = await call('/v1/me/factors/totp', {}, token);
  const secret = new URL(enrol.body.otpauth_uri as string).searchParams.get('secret') as string;
  const confirm = await call(
    `/v1/me/factors/totp/${enrol.body.id}/confirm`,
    { code: code(secret, -1) },
    token,
  );
  assert.equal(confirm.status, 201);
  return { secret };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-client-mfa-'));
  const config = loadConfig({
    TESSERA_HOST: '127.0.0.1',
    TESSERA_PORT: '0',
    TESSERA_DATABASE_URL: `sqlite:${join(dir, 'tessera.db')}`,
    TESSERA_LOG_LEVEL: 'silent',
  });
  server = await startServer(config, { cwd: dir });
  verifier = createRemoteVerifier({
    issuer: config.issuer,
    jwksUri: `${server.url}/.well-known/jwks.json`,
    audience: config.audience,
  });
  await verifier.ready();
  // The resource service: /transfer needs a second factor proven in the last five minutes.
  const auth = createNodeAuth(verifier);
  const transfer = auth.withAuth(
    (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, amr: req.auth?.claims.amr }));
    },
    { requireAmr: ['mfa'], maxAuthAge: 300 },
  );
  resource = createServer(transfer);
  await new Promise<void>((r) => resource.listen(0, '127.0.0.1', r));
  resourceUrl = `http://127.0.0.1:${(resource.address() as AddressInfo).port}`;
});

after(async () => {
  verifier?.close();
  await new Promise<void>((r) => (resource ? resource.close(() => r()) : r()));
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('@tessera/client second factors', () => {
  test('login throws MfaRequiredError with the mfa token; completeMfa signs in', async () => {
    const { secret } = await userWithTotp('mfa-login@example.com');
    const client = createTesseraClient(
      options({
        baseUrl: server.url,
        refreshTokenStorage: memoryStorage(),
        locks: null,
      }),
    );
    const err = await client.login({ email: 'mfa-login@example.com', password: PASSWORD }).catch((e) => e);
    assert.ok(err instanceof MfaRequiredError, String(err));
    assert.equal(err.code, 'mfa_required');
    assert.deepEqual(err.methods, ['totp', 'recovery_code']);
    assert.equal(client.signedIn, false);
    await client.completeMfa(err.mfaToken, { method: 'totp', code: code(secret) });
    assert.equal(client.signedIn, true);
    const res = await client.fetch(`${resourceUrl}/transfer`);
    assert.equal(res.status, 200);
    assert.deepEqual(((await res.json()) as { amr: string[] }).amr, ['otp', 'pwd', 'mfa']);
    client.close();
  });

  test('no prompt when the token already satisfies the route', async () => {
    const email = 'mfa-strong@example.com';
    const { secret } = await userWithTotp(email);
    let prompted = 0;
    const client = createTesseraClient(
      options({
        baseUrl: server.url,
        refreshTokenStorage: memoryStorage(),
        locks: null,
        onStepUp: async () => {
          prompted += 1;
          return null;
        },
      }),
    );
    const err: unknown = await client.login({ email, password: PASSWORD }).catch((e) => e);
    assert.ok(err instanceof MfaRequiredError);
    await client.completeMfa(err.mfaToken, { method: 'totp', code: code(secret) });
    const ok = await client.fetch(`${resourceUrl}/transfer`, { method: 'POST', body: 'payload' });
    assert.equal(ok.status, 200);
    assert.equal(prompted, 0);
    client.close();
  });

  test('fetch meets the step-up challenge: prompt, POST /v1/auth/step-up, retry succeeds', async () => {
    const email = 'mfa-stepup@example.com';
    assert.equal((await call('/v1/auth/register', { email, password: PASSWORD })).status, 201);
    const prompts: StepUpChallenge[] = [];
    let secret = '';
    const client = createTesseraClient(
      options({
        baseUrl: server.url,
        refreshTokenStorage: memoryStorage(),
        locks: null,
        onStepUp: async (challenge) => {
          prompts.push(challenge);
          return { method: 'totp', code: code(secret, 1) };
        },
      }),
    );
    // A password-only session (signed in before the factor existed): its token carries no amr.
    await client.login({ email, password: PASSWORD });
    const token = await client.getAccessToken();
    const enrol = await call('/v1/me/factors/totp', {}, token);
    secret = new URL(enrol.body.otpauth_uri as string).searchParams.get('secret') as string;
    const confirmed = await call(
      `/v1/me/factors/totp/${enrol.body.id}/confirm`,
      { code: code(secret) },
      token,
    );
    assert.equal(confirmed.status, 201);

    const res = await client.fetch(`${resourceUrl}/transfer`, { method: 'POST', body: 'payload' });
    assert.equal(res.status, 200);
    assert.deepEqual(((await res.json()) as { amr: string[] }).amr, ['otp', 'pwd', 'mfa']);
    assert.deepEqual(prompts, [
      {
        error: 'insufficient_user_authentication',
        maxAge: 300,
        acrValues: ['mfa'],
        description: 'A stronger authentication is required',
      },
    ]);
    // The session itself was stepped up: the next token (after a refresh) still satisfies the route.
    await client.refresh();
    assert.equal((await client.fetch(`${resourceUrl}/transfer`)).status, 200);
    assert.equal(prompts.length, 1);
    client.close();
  });

  test('a prompt that gives up returns the 401 unchanged', async () => {
    const email = 'mfa-giveup@example.com';
    assert.equal((await call('/v1/auth/register', { email, password: PASSWORD })).status, 201);
    const client = createTesseraClient(
      options({
        baseUrl: server.url,
        refreshTokenStorage: memoryStorage(),
        locks: null,
        onStepUp: async () => null,
      }),
    );
    await client.login({ email, password: PASSWORD });
    const res = await client.fetch(`${resourceUrl}/transfer`);
    assert.equal(res.status, 401);
    assert.ok(parseStepUpChallenge(res.headers.get('www-authenticate')));
    client.close();
  });

  test('parseStepUpChallenge ignores other challenges', () => {
    assert.equal(parseStepUpChallenge('Bearer error="invalid_token"'), undefined);
    assert.equal(parseStepUpChallenge(null), undefined);
    assert.deepEqual(parseStepUpChallenge('bearer error="insufficient_user_authentication", max_age=60'), {
      error: 'insufficient_user_authentication',
      maxAge: 60,
    });
  });
});
