// Shared rate limits on real servers: two "instances" (two RateLimitStores) count together through
// Redis, and through PostgreSQL when Redis is unreachable (the insurance limiter), so the sixth
// login attempt is refused whichever instance sees it, and refreshes from one address, taken in
// leases, never pass the limit. Needs TESSERA_TEST_POSTGRES_URL and
// TESSERA_TEST_REDIS_URL (failing in CI when missing).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import pg from 'pg';
import { createRateLimits } from '../ratelimit/rate-limits.js';
import { resolveBackend } from './backend.js';
import { createStores } from './index.js';
import { createRateLimitStore } from './rate-limit-store.js';

const ci = process.env.CI === 'true' || process.env.CI === '1';
const postgresUrl = process.env.TESSERA_TEST_POSTGRES_URL?.trim();
const redisUrl = process.env.TESSERA_TEST_REDIS_URL?.trim();
const limits = { loginIp: '100/15m', loginAccount: '5/15m', refreshIp: '100/15m' };

test('SQLite without Redis keeps the counters in memory', async () => {
  const store = await createRateLimitStore({
    backend: resolveBackend({ databaseUrl: 'sqlite:./unused.db' }),
  });
  assert.equal(store.backend, 'memory');
});

describe('shared counters', {
  skip:
    !ci && (!postgresUrl || !redisUrl) ? 'TESSERA_TEST_POSTGRES_URL / TESSERA_TEST_REDIS_URL not set' : false,
}, () => {
  async function withDatabase(fn: (url: string) => Promise<void>): Promise<void> {
    assert.ok(postgresUrl, 'TESSERA_TEST_POSTGRES_URL');
    const name = `tessera_rl_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    try {
      const url = new URL(postgresUrl);
      url.pathname = `/${name}`;
      // The counters' table comes from the migrations (002), as at server start-up.
      const stores = await createStores({ databaseUrl: url.toString() });
      await stores.migrate();
      await stores.close();
      await fn(url.toString());
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  }

  for (const [label, redis, backend] of [
    ['Redis', redisUrl, 'redis+postgres'],
    ['PostgreSQL alone', undefined, 'postgres'],
    ['PostgreSQL insurance while Redis is unreachable', 'redis://127.0.0.1:1', 'redis+postgres'],
  ] as const) {
    test(`${label}: the sixth failed login is refused on the other instance`, async () => {
      await withDatabase(async (url) => {
        const shared = await Promise.all(
          [0, 1].map(() =>
            createRateLimitStore({ backend: resolveBackend({ databaseUrl: url, redisUrl: redis }) }),
          ),
        );
        try {
          const [a, b] = shared.map((s) => {
            assert.equal(s.backend, backend);
            return createRateLimits({ limits, store: s });
          });
          assert.ok(a && b);
          const email = `rl-${randomBytes(4).toString('hex')}@example.com`;
          for (let i = 0; i < 5; i++) {
            const r: { allowed: boolean } = await (i % 2 ? b : a).loginAccountAttempt(email);
            assert.equal(r.allowed, true, `attempt ${i + 1}`);
          }
          const sixth = await b.loginAccountAttempt(email);
          assert.equal(sixth.allowed, false);
          assert.ok(sixth.resetSeconds > 0);
          // A success elsewhere clears it for everyone.
          await b.loginAccountReset(email);
          assert.equal((await a.loginAccountAttempt(email)).allowed, true);
          // A refund on one instance gives the attempt back on the other.
          const other = `rl-${randomBytes(4).toString('hex')}@example.com`;
          for (let i = 0; i < 5; i++) assert.equal((await a.loginAccountAttempt(other)).allowed, true);
          await b.loginAccountRefund(other);
          assert.equal((await a.loginAccountAttempt(other)).allowed, true, 'refunded attempt');
          assert.equal((await b.loginAccountAttempt(other)).allowed, false);
          // Parallel attempts on both instances: exactly the budget passes.
          const third = `rl-${randomBytes(4).toString('hex')}@example.com`;
          const burst = await Promise.all(
            Array.from({ length: 40 }, (_, i) => (i % 2 ? b : a).loginAccountAttempt(third)),
          );
          assert.equal(burst.filter((r) => r.allowed).length, 5);
        } finally {
          await Promise.all(shared.map((s) => s.close()));
        }
      });
    });

    test(`${label}: refreshes from one address take leases, and the instances admit at most the limit`, async () => {
      await withDatabase(async (url) => {
        const shared = await Promise.all(
          [0, 1].map(() =>
            createRateLimitStore({ backend: resolveBackend({ databaseUrl: url, redisUrl: redis }) }),
          ),
        );
        try {
          // Count the store's round trips for the refresh counter.
          let roundTrips = 0;
          const audited: unknown[] = [];
          const [a, b] = shared.map((s) =>
            createRateLimits({
              limits: { ...limits, refreshIp: '1000/15m' },
              audit: { record: async (event, fields) => void audited.push({ event, fields }) },
              store: {
                ...s,
                limiter(spec) {
                  const limiter = s.limiter(spec);
                  const consume = limiter.consume.bind(limiter);
                  limiter.consume = (key, points) => {
                    roundTrips++;
                    return consume(key, points);
                  };
                  return limiter;
                },
              },
            }),
          );
          assert.ok(a && b);
          // Redis is shared by every run: addresses of this run only.
          const address = () =>
            `fd00::${randomBytes(4)
              .toString('hex')
              .replace(/(....)(....)/, '$1:$2')}`;
          const ip = address();
          const outcomes = await Promise.all(
            Array.from({ length: 1300 }, (_, i) => (i % 2 ? b : a).refreshIp(ip)),
          );
          const allowed = outcomes.filter((r) => r.allowed).length;
          assert.ok(allowed <= 1000, `admitted ${allowed}`);
          // Leases of up to 20 points: each instance may hold 19 unspent when the limit is reached.
          assert.ok(allowed >= 1000 - 2 * 19, `admitted only ${allowed}`);
          assert.ok(roundTrips < 300, `${roundTrips} round trips for 1300 refreshes`);
          const refused = outcomes.find((r) => !r.allowed);
          assert.ok(refused && refused.resetSeconds > 0);
          assert.equal(audited.length, 1, 'rate_limited is audited once');
          // An instance may still hold leased points (counted already): spending them stays within
          // the limit. Then both refuse, without asking the store.
          let drained = 0;
          for (const i of [a, b]) {
            for (let n = 0; n < 40 && (await i.refreshIp(ip)).allowed; n++) drained++;
          }
          assert.ok(allowed + drained <= 1000, `admitted ${allowed} + ${drained}`);
          const before = roundTrips;
          assert.equal((await a.refreshIp(ip)).allowed, false);
          assert.equal((await b.refreshIp(ip)).allowed, false);
          assert.equal(roundTrips, before);
          // Another address is counted on its own, from one point.
          assert.equal((await a.refreshIp(address())).remaining, 999);
        } finally {
          await Promise.all(shared.map((s) => s.close()));
        }
      });
    });
  }
});
