// Unknown user and wrong password must take the same time: both run exactly one argon2id
// verification. Samples are interleaved pairs over real HTTP; the median gap within a pair must be
// under 30% of a typical login.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, describe, test } from 'node:test';
import { median } from './support/median.js';
import {
  GOOD_PASSWORD,
  request,
  startTestServer,
  type TestServer,
  uniqueEmail,
} from './support/server-harness.js';

const SAMPLES = 30;

describe('login timing does not reveal whether an account exists', () => {
  let t: TestServer;
  let known: string;
  before(async () => {
    t = await startTestServer({
      env: {
        TESSERA_LOGIN_LIMIT_ACCOUNT: '100000/15m',
        TESSERA_LOGIN_LIMIT_IP: '100000/15m',
        TESSERA_LOG_LEVEL: 'warn',
      },
    });
    known = uniqueEmail('timing');
    await request(t.url, 'POST', '/v1/auth/register', { body: { email: known, password: GOOD_PASSWORD } });
  });
  after(async () => {
    await t.stop(true);
  });

  async function timeLogin(email: string): Promise<number> {
    const start = performance.now();
    const res = await request(t.url, 'POST', '/v1/auth/login', {
      body: { email, password: 'wrong password 123' },
    });
    const elapsed = performance.now() - start;
    assert.equal(res.status, 401);
    assert.deepEqual(res.body, {
      error: 'invalid_credentials',
      error_description: 'Email or password is incorrect.',
    });
    return elapsed;
  }

  test(`${SAMPLES} interleaved unknown-user / wrong-password pairs differ by under 30% (median)`, async (ctx) => {
    // Warm-up: JIT, the dummy hash, the connection pool.
    // One unknown address probed repeatedly, like the known one: both hit the same limiter keys.
    const ghost = uniqueEmail('ghost');
    for (let i = 0; i < 3; i++) {
      await timeLogin(known);
      await timeLogin(ghost);
    }
    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      // Alternate the order so a drift in machine load hits both series alike.
      if (i % 2 === 0) {
        unknown.push(await timeLogin(ghost));
        wrong.push(await timeLogin(known));
      } else {
        wrong.push(await timeLogin(known));
        unknown.push(await timeLogin(ghost));
      }
    }
    const mu = median(unknown);
    const mw = median(wrong);
    const ratio = Math.max(mu, mw) / Math.min(mu, mw);
    // Each pair ran back to back, so the difference within a pair is what the account's existence
    // adds; its median is robust to the machine's load drifting across the run.
    const gap = median(unknown.map((u, i) => u - wrong[i]!));
    const typical = median([...unknown, ...wrong]);
    ctx.diagnostic(
      `unknown user ${mu.toFixed(1)} ms, wrong password ${mw.toFixed(1)} ms, ratio ${ratio.toFixed(2)}, ` +
        `median pair gap ${gap.toFixed(1)} ms of ${typical.toFixed(1)} ms`,
    );
    assert.ok(
      Math.abs(gap) <= 0.3 * typical,
      `median pair gap ${gap.toFixed(1)} ms exceeds 30% of a typical login (${typical.toFixed(1)} ms); ` +
        `medians: unknown ${mu.toFixed(1)} ms, wrong password ${mw.toFixed(1)} ms`,
    );
  });
});
