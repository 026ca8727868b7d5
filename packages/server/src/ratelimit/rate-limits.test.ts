import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRateLimits, parseLimitSpec } from './rate-limits.js';

describe('parseLimitSpec', () => {
  test('reads COUNT/DURATION', () => {
    assert.deepEqual(parseLimitSpec('5/15m'), { points: 5, durationSec: 900 });
    assert.deepEqual(parseLimitSpec('100/900'), { points: 100, durationSec: 900 });
    assert.deepEqual(parseLimitSpec(' 600 / 1h '), { points: 600, durationSec: 3600 });
    assert.deepEqual(parseLimitSpec({ points: 2, durationSec: 3 }), { points: 2, durationSec: 3 });
  });
  test('rejects nonsense', () => {
    for (const bad of ['5', '/15m', '0/15m', '5/0', 'five/15m', '5/15y', '-1/1m']) {
      assert.throws(() => parseLimitSpec(bad), TypeError, bad);
    }
  });
});

describe('RateLimits (memory)', () => {
  test('the sixth login attempt on an account is refused, before any password is checked', async () => {
    const limited: string[] = [];
    const limits = createRateLimits({
      limits: { loginIp: '100/15m', loginAccount: '5/15m', refreshIp: '600/15m' },
      onLimited: (name) => limited.push(name),
    });
    for (let i = 0; i < 5; i++) {
      const r = await limits.loginAccountAttempt('a@example.com');
      assert.equal(r.allowed, true, `attempt ${i + 1}`);
      assert.equal(r.remaining, 4 - i);
    }
    const sixth = await limits.loginAccountAttempt('A@Example.com ');
    assert.equal(sixth.allowed, false);
    assert.equal(sixth.remaining, 0);
    assert.ok(sixth.resetSeconds > 0 && sixth.resetSeconds <= 900);
    assert.deepEqual(limited, ['login_account']);
    // another account is unaffected; a reset clears the counter
    assert.equal((await limits.loginAccountAttempt('b@example.com')).allowed, true);
    await limits.loginAccountReset('a@example.com');
    assert.equal((await limits.loginAccountAttempt('a@example.com')).allowed, true);
  });

  test('a refund gives the attempt back: right passwords never use up the budget', async () => {
    const limits = createRateLimits({
      limits: { loginIp: '100/15m', loginAccount: '2/15m', refreshIp: '600/15m' },
    });
    for (let i = 0; i < 10; i++) {
      assert.equal((await limits.loginAccountAttempt('d@example.com')).allowed, true, `attempt ${i + 1}`);
      await limits.loginAccountRefund('d@example.com');
    }
  });

  test('parallel attempts: exactly the budget passes', async () => {
    const limits = createRateLimits({
      limits: { loginIp: '100/15m', loginAccount: '5/15m', refreshIp: '600/15m' },
    });
    const results = await Promise.all(
      Array.from({ length: 40 }, () => limits.loginAccountAttempt('e@example.com')),
    );
    assert.equal(results.filter((r) => r.allowed).length, 5);
  });

  test('per-IP limits count every request and refuse past the limit', async () => {
    const limits = createRateLimits({
      limits: { loginIp: '3/15m', loginAccount: '5/15m', refreshIp: '2/1m' },
    });
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await limits.loginIp('10.0.0.1'));
    assert.deepEqual(
      results.map((r) => r.allowed),
      [true, true, true, false],
    );
    assert.equal(results[3]!.limit, 3);
    assert.ok(results[3]!.resetSeconds >= 1 && results[3]!.resetSeconds <= 900);
    assert.equal((await limits.loginIp('10.0.0.2')).allowed, true);
    assert.equal((await limits.refreshIp('10.0.0.1')).allowed, true);
    assert.equal((await limits.refreshIp('10.0.0.1')).allowed, true);
    const third = await limits.refreshIp('10.0.0.1');
    assert.equal(third.allowed, false);
    assert.ok(third.resetSeconds <= 60);
  });

  test('audits once per key and window, never the e-mail address', async () => {
    const events: Array<{ event: string; fields: Record<string, unknown> }> = [];
    const limits = createRateLimits({
      limits: { loginIp: '2/15m', loginAccount: '3/15m', refreshIp: '600/15m' },
      audit: {
        async record(event, fields) {
          events.push({ event, fields });
        },
      },
    });
    for (let i = 0; i < 5; i++) await limits.loginIp('10.0.0.9');
    for (let i = 0; i < 5; i++) await limits.loginAccountAttempt('c@example.com');
    assert.equal(events.length, 2);
    assert.ok(events.every((e) => e.event === 'rate_limited'));
    assert.equal(events[0]!.fields.ip, '10.0.0.9');
    assert.deepEqual(events[0]!.fields.details, { limit: 'login_ip' });
    const account = (events[1]!.fields.details as { account: string }).account;
    assert.match(account, /^[A-Za-z0-9_-]{22}$/);
    assert.ok(!JSON.stringify(events).includes('example.com'));
  });
});
