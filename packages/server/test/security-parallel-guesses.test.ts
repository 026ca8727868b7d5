// Attacker's side (issue 9 hole 1): 40 password guesses at one account fired at once must not get
// more than the limit (5 per window) checked against the hash. The attempt is taken before the
// hash and refunded on success, on every counter backend: in-process (SQLite), PostgreSQL, and
// Redis (with PostgreSQL insurance). The password-change route is limited the same way, and so are
// second-factor codes (one user's limit, taken before the code is checked).
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { createTempPostgres, isCi, POSTGRES_MISSING, testPostgresUrl } from './support/db-postgres.js';
import { codeAt, passwordStep, startMfaServer, userWithTotp } from './support/mfa-harness.js';
import {
  GOOD_PASSWORD,
  registerAndLogin,
  request,
  startTestServer,
  type TestServer,
  uniqueEmail,
} from './support/server-harness.js';

const GUESSES = 40;
const LIMIT = 5;
// The per-IP limit is raised so only the per-account limit is under test (all requests share 127.0.0.1).
const ENV = {
  TESSERA_LOG_LEVEL: 'warn',
  TESSERA_LOGIN_LIMIT_IP: '1000/15m',
  TESSERA_LOGIN_LIMIT_ACCOUNT: '5/15m',
};

/**
 * The test Redis is shared by every test and run, and rate-limit counters (per IP: all of these
 * requests come from 127.0.0.1) outlive a test for their window: each server here counts in a
 * fresh logical database of its own, so no earlier run's requests count against this one.
 */
async function isolatedRedis(url: string): Promise<string> {
  const { Redis } = await import('ioredis');
  const db = 1 + Math.floor(Math.random() * 15);
  const u = new URL(url);
  u.pathname = `/${db}`;
  const client = new Redis(u.toString(), { lazyConnect: true });
  await client.connect();
  await client.flushdb();
  await client.quit();
  return u.toString();
}

function statusCounts(responses: { status: number }[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const r of responses) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

const login = (s: TestServer, email: string, password: string) =>
  request(s.url, 'POST', '/v1/auth/login', { body: { email, password } });

async function parallelLoginGuesses(s: TestServer): Promise<void> {
  const email = uniqueEmail('parallel');
  await request(s.url, 'POST', '/v1/auth/register', { body: { email, password: GOOD_PASSWORD } });
  const guesses = await Promise.all(
    Array.from({ length: GUESSES }, (_, i) => login(s, email, `guess number ${i}`)),
  );
  const counts = statusCounts(guesses);
  assert.ok(
    (counts[401] ?? 0) <= LIMIT,
    `at most ${LIMIT} guesses reached the hash: ${JSON.stringify(counts)}`,
  );
  assert.equal((counts[401] ?? 0) + (counts[429] ?? 0), GUESSES, JSON.stringify(counts));
  // Still locked, for the right password too.
  assert.equal((await login(s, email, GOOD_PASSWORD)).status, 429);
}

async function parallelPasswordChangeGuesses(s: TestServer): Promise<void> {
  // A thief with a stolen access token guesses the current password to take the account over.
  const victim = await registerAndLogin(s.url);
  const changes = await Promise.all(
    Array.from({ length: GUESSES }, (_, i) =>
      request(s.url, 'POST', '/v1/auth/password', {
        token: victim.accessToken,
        body: { current_password: `guess number ${i}`, new_password: 'a whole new passphrase 77' },
      }),
    ),
  );
  const counts = statusCounts(changes);
  assert.ok((counts[403] ?? 0) <= LIMIT, `password change: ${JSON.stringify(counts)}`);
  assert.equal((counts[403] ?? 0) + (counts[429] ?? 0), GUESSES, JSON.stringify(counts));
}

async function rightPasswordsRefund(s: TestServer): Promise<void> {
  // More successful logins than the limit in one window: each attempt is given back.
  const user = await registerAndLogin(s.url);
  for (let i = 0; i < LIMIT + 3; i++) {
    assert.equal((await login(s, user.email, GOOD_PASSWORD)).status, 200, `login ${i + 1}`);
  }
  // The same for password changes (each one right): never locked out by its own successes.
  for (let i = 0; i < LIMIT + 2; i++) {
    const res = await request(s.url, 'POST', '/v1/auth/password', {
      token: user.accessToken,
      body: {
        current_password: i === 0 ? GOOD_PASSWORD : `renewed passphrase number ${i - 1}`,
        new_password: `renewed passphrase number ${i}`,
      },
    });
    assert.equal(res.status, 204, `change ${i + 1}: ${res.text}`);
  }
}

async function attack(s: TestServer): Promise<void> {
  await parallelLoginGuesses(s);
  await parallelPasswordChangeGuesses(s);
  await rightPasswordsRefund(s);
}

describe('parallel guesses against one account', { timeout: 120_000 }, () => {
  test('in-process counters (SQLite)', async () => {
    const s = await startTestServer({ env: ENV });
    try {
      await attack(s);
    } finally {
      await s.stop(true);
    }
  });

  const pgUrl = testPostgresUrl();
  const redisUrl = process.env.TESSERA_TEST_REDIS_URL?.trim();
  const skip = !isCi() && (!pgUrl || !redisUrl) ? `${POSTGRES_MISSING} (and TESSERA_TEST_REDIS_URL)` : false;
  const temps: { dispose(): Promise<void> }[] = [];
  after(async () => {
    for (const t of temps) await t.dispose();
  });

  for (const [name, withRedis] of [
    ['PostgreSQL counters', false],
    ['Redis counters (PostgreSQL insurance)', true],
  ] as const) {
    test(name, { skip }, async () => {
      assert.ok(pgUrl, POSTGRES_MISSING);
      const db = await createTempPostgres(pgUrl);
      temps.push(db);
      const env: Record<string, string> = { ...ENV, TESSERA_DATABASE_URL: db.url };
      if (withRedis) {
        assert.ok(redisUrl, 'TESSERA_TEST_REDIS_URL');
        env.TESSERA_REDIS_URL = await isolatedRedis(redisUrl);
      }
      const s = await startTestServer({ env });
      try {
        await attack(s);
      } finally {
        await s.stop(true);
      }
    });
  }
});

describe('parallel second-factor guesses against one user', { timeout: 60_000 }, () => {
  // Counters in Redis (as with several instances). Second-factor attempts are now taken before the
  // code is checked, like passwords. Note: this HTTP attack did not get past the limit before that
  // change either (the code check leaves no gap wide enough here); it guards the rule from now on.
  const redisUrl = process.env.TESSERA_TEST_REDIS_URL?.trim();
  const skip = !isCi() && !redisUrl ? 'TESSERA_TEST_REDIS_URL not set' : false;
  test('40 TOTP codes fired at once with one mfa_token: at most 5 are checked', { skip }, async () => {
    assert.ok(redisUrl, 'TESSERA_TEST_REDIS_URL');
    const t = await startMfaServer({ TESSERA_REDIS_URL: await isolatedRedis(redisUrl) });
    try {
      const u = await userWithTotp(t);
      const step = await passwordStep(t, u.email);
      assert.equal(step.status, 401, step.text);
      const good = codeAt(u.secret, t.clock.now());
      const guesses = await Promise.all(
        Array.from({ length: GUESSES }, (_, i) => {
          const guess = String(100000 + i * 7919);
          return request(t.url, 'POST', '/v1/auth/mfa', {
            body: { mfa_token: step.body.mfa_token, method: 'totp', code: guess === good ? '999999' : guess },
          });
        }),
      );
      const counts = statusCounts(guesses);
      assert.ok(
        (counts[401] ?? 0) <= LIMIT,
        `at most ${LIMIT} codes were checked: ${JSON.stringify(counts)}`,
      );
      assert.equal((counts[401] ?? 0) + (counts[429] ?? 0), GUESSES, JSON.stringify(counts));
    } finally {
      await t.stop();
    }
  });
});
