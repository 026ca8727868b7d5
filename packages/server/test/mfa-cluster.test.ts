// Second factors across two instances sharing PostgreSQL and Redis (the scaled-out deployment):
// an mfa_token made on one instance completes on the other, a TOTP code used on one is refused on
// the other, and failed attempts count against one global per-user limit.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createTempPostgres, isCi, POSTGRES_MISSING, testPostgresUrl } from './support/db-postgres.js';
import {
  codeAt,
  type MfaTestServer,
  passwordStep,
  startMfaServer,
  userWithTotp,
} from './support/mfa-harness.js';
import { request } from './support/server-harness.js';

const pgUrl = testPostgresUrl();
const redisUrl = process.env.TESSERA_TEST_REDIS_URL?.trim();
const missing = !pgUrl ? POSTGRES_MISSING : !redisUrl ? 'TESSERA_TEST_REDIS_URL is not set' : undefined;
if (missing && isCi()) throw new Error(missing);

describe('second factors on two instances (PostgreSQL + Redis)', { skip: missing ?? false }, () => {
  let db: { url: string; dispose(): Promise<void> };
  let a: MfaTestServer;
  let b: MfaTestServer;

  before(async () => {
    db = await createTempPostgres(pgUrl as string);
    // Every instance must share the master key: it seals the TOTP secrets.
    const env = {
      TESSERA_DATABASE_URL: db.url,
      TESSERA_REDIS_URL: redisUrl as string,
      TESSERA_MASTER_KEY: randomBytes(32).toString('base64url'),
    };
    a = await startMfaServer(env);
    b = await startMfaServer(env);
    // One clock for both, as NTP gives real instances.
    b.clock.advance(a.clock.now() - b.clock.now());
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await db?.dispose();
  });

  test('an mfa_token from instance A completes on B; the code is then spent on both', async () => {
    const u = await userWithTotp(a);
    b.clock.advance(a.clock.now() - b.clock.now());
    const step = await passwordStep(a, u.email);
    assert.equal(step.body.error, 'mfa_required');
    const code = codeAt(u.secret, a.clock.now());
    const ok = await request(b.url, 'POST', '/v1/auth/mfa', {
      body: { mfa_token: step.body.mfa_token, method: 'totp', code },
    });
    assert.equal(ok.status, 200, ok.text);
    const again = await passwordStep(b, u.email);
    const replay = await request(a.url, 'POST', '/v1/auth/mfa', {
      body: { mfa_token: again.body.mfa_token, method: 'totp', code },
    });
    assert.equal(replay.status, 401);
    const twice = await request(a.url, 'POST', '/v1/auth/mfa', {
      body: {
        mfa_token: step.body.mfa_token,
        method: 'totp',
        code: codeAt(u.secret, a.clock.now() + 30_000),
      },
    });
    assert.equal(twice.body.error, 'invalid_mfa_token');
  });

  test('failed codes on A and B count against one limit', async () => {
    const u = await userWithTotp(a);
    b.clock.advance(a.clock.now() - b.clock.now());
    const good = codeAt(u.secret, a.clock.now());
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const server = i % 2 === 0 ? a : b;
      const step = await passwordStep(server, u.email);
      const guess = String(200000 + i * 7919);
      const res = await request(server.url, 'POST', '/v1/auth/mfa', {
        body: { mfa_token: step.body.mfa_token, method: 'totp', code: guess === good ? '999999' : guess },
      });
      statuses.push(res.status);
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
  });
});
