// forgot and resend must not tell whether an account exists: the same 202, the same body, in the
// same time (pairs of requests over real HTTP, the median of their differences within 30% of the
// median request), and
// the same rate limits for known and unknown addresses.
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
import { type SmtpSink, startSmtpSink } from './support/smtp-sink.js';

const SAMPLES = 60;

describe('forgot and resend do not reveal whether an account exists', () => {
  let t: TestServer;
  let smtp: SmtpSink;
  let known: string;
  before(async () => {
    smtp = await startSmtpSink();
    t = await startTestServer({
      env: {
        TESSERA_SMTP_URL: smtp.url,
        TESSERA_MAIL_LIMIT_IP: '100000/15m',
        TESSERA_MAIL_LIMIT_ADDRESS: '100000/15m',
        TESSERA_LOG_LEVEL: 'warn',
      },
    });
    known = uniqueEmail('known');
    await request(t.url, 'POST', '/v1/auth/register', { body: { email: known, password: GOOD_PASSWORD } });
  });
  after(async () => {
    await t.stop(true);
    await smtp.close();
  });

  for (const path of ['/v1/auth/password/forgot', '/v1/auth/verify-email/resend']) {
    test(`${path}: same answer; over ${SAMPLES} interleaved pairs the median known-unknown difference is within 30% of a request`, async (ctx) => {
      const ghost = uniqueEmail('ghost');
      const bodies = new Set<string>();
      const time = async (email: string) => {
        const start = performance.now();
        const res = await request(t.url, 'POST', path, { body: { email } });
        const elapsed = performance.now() - start;
        assert.equal(res.status, 202);
        bodies.add(res.text);
        return elapsed;
      };
      for (let i = 0; i < 5; i++) {
        await time(known);
        await time(ghost);
      }
      // Back-to-back pairs in alternating order; the median of the per-pair differences is robust
      // to the machine's load drifting during the run (other tests share the two cores).
      const k: number[] = [];
      const u: number[] = [];
      const diffs: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        let tk: number;
        let tu: number;
        if (i % 2 === 0) {
          tu = await time(ghost);
          tk = await time(known);
        } else {
          tk = await time(known);
          tu = await time(ghost);
        }
        k.push(tk);
        u.push(tu);
        diffs.push(tk - tu);
      }
      assert.equal(bodies.size, 1, 'one body for both');
      const mk = median(k);
      const mu = median(u);
      const md = median(diffs);
      const allowed = Math.max(1, 0.3 * median([...k, ...u]));
      ctx.diagnostic(
        `known ${mk.toFixed(2)} ms, unknown ${mu.toFixed(2)} ms, median pair difference ${md.toFixed(2)} ms (allowed ±${allowed.toFixed(2)})`,
      );
      assert.ok(
        Math.abs(md) <= allowed,
        `median known-unknown difference ${md.toFixed(2)} ms > ${allowed.toFixed(2)} ms`,
      );
      assert.equal(smtp.to(ghost).length, 0, 'nothing was sent to the unknown address');
    });
  }

  test('per-address and per-IP limits treat known and unknown addresses alike', async () => {
    const limited = await startTestServer({
      env: {
        TESSERA_MAIL_LIMIT_ADDRESS: '3/15m',
        TESSERA_MAIL_LIMIT_IP: '10/15m',
        TESSERA_LOG_LEVEL: 'warn',
      },
    });
    try {
      const email = uniqueEmail('limited');
      await request(limited.url, 'POST', '/v1/auth/register', { body: { email, password: GOOD_PASSWORD } });
      const ghost = uniqueEmail('nobody');
      const statuses = async (address: string) => {
        const out: number[] = [];
        for (let i = 0; i < 4; i++) {
          out.push(
            (await request(limited.url, 'POST', '/v1/auth/password/forgot', { body: { email: address } }))
              .status,
          );
        }
        return out;
      };
      assert.deepEqual(await statuses(email), [202, 202, 202, 429]);
      assert.deepEqual(await statuses(ghost), [202, 202, 202, 429]);
      // 8 counted so far from this IP; two more fresh addresses pass, the next one is refused.
      const more = [];
      for (let i = 0; i < 3; i++) {
        more.push(
          (
            await request(limited.url, 'POST', '/v1/auth/verify-email/resend', {
              body: { email: uniqueEmail('ip') },
            })
          ).status,
        );
      }
      assert.deepEqual(more, [202, 202, 429]);
      const refused = await request(limited.url, 'POST', '/v1/auth/password/forgot', {
        body: { email: uniqueEmail('x') },
      });
      assert.equal(refused.status, 429);
      assert.ok(Number(refused.headers.get('retry-after')) > 0);
    } finally {
      await limited.stop(true);
    }
  });
});
