// Attacker's side (issue 9 hole 1): 40 password guesses at one account fired at once must not get
// more than the limit (5 per window) checked against the hash. The attempt is taken before the
// hash, on every counter backend: in-process (SQLite), PostgreSQL, and Redis (with PostgreSQL).
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { createTempPostgres, isCi, POSTGRES_MISSING, testPostgresUrl } from './support/db-postgres.js';
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

async function statusCounts(responses: { status: number }[]): Promise<Record<number, number>> {
  const counts: Record<number, number> = {};
  for (const r of responses) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

async function attack(s: TestServer): Promise<void> {
  const email = uniqueEmail('parallel');
  await request(s.url, 'POST', '/v1/auth/register', { body: { email, password: GOOD_PASSWORD } });
  const guesses = await Promise.all(
    Array.from({ length: GUESSES }, (_, i) =>
      request(s.url, 'POST', '/v1/auth/login', { body: { email, password: `guess number ${i}` } }),
    ),
  );
  const counts = await statusCounts(guesses);
  assert.ok(
    (counts[401] ?? 0) <= LIMIT,
    `at most ${LIMIT} guesses reached the hash: ${JSON.stringify(counts)}`,
  );
  assert.equal((counts[401] ?? 0) + (counts[429] ?? 0), GUESSES, JSON.stringify(counts));
  // Still locked for the right password too.
  const right = await request(s.url, 'POST', '/v1/auth/login', { body: { email, password: GOOD_PASSWORD } });
  assert.equal(right.status, 429);

  // The password-change route counts against the same limit, from a stolen access token.
  const victim = await registerAndLogin(s.url);
  const changes = await Promise.all(
    Array.from({ length: GUESSES }, (_, i) =>
      request(s.url, 'POST', '/v1/auth/password', {
        token: victim.accessToken,
        body: { current_password: `guess number ${i}`, new_password: 'a whole new passphrase 77' },
      }),
    ),
  );
  const changeCounts = await statusCounts(changes);
  assert.ok((changeCounts[403] ?? 0) <= LIMIT, `password change: ${JSON.stringify(changeCounts)}`);
  assert.equal(changeCounts[204], undefined);
}

describe('parallel guesses against one account', () => {
  test('in-process counters (SQLite)', async () => {
    const s = await startTestServer({ env: { TESSERA_LOG_LEVEL: 'warn' } });
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
      const env: Record<string, string> = { TESSERA_LOG_LEVEL: 'warn', TESSERA_DATABASE_URL: db.url };
      if (withRedis) {
        assert.ok(redisUrl, 'TESSERA_TEST_REDIS_URL');
        env.TESSERA_REDIS_URL = redisUrl;
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
