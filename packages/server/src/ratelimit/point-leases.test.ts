// Point leases over a real counter (rate-limiter-flexible's in-memory limiter standing in for the
// shared store; rate-limit-store.test.ts runs the same over PostgreSQL and Redis). Two lease sets
// over one limiter are two instances sharing one store.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { pointLeases } from './point-leases.js';

/** A limiter that counts how often it is asked (the store's round trips). */
function countedLimiter(points: number) {
  const limiter = new RateLimiterMemory({ points, duration: 900 });
  const calls = { consume: 0, reward: 0 };
  const consume = limiter.consume.bind(limiter);
  const reward = limiter.reward.bind(limiter);
  limiter.consume = (key, n) => {
    calls.consume++;
    return consume(key, n);
  };
  limiter.reward = (key, n) => {
    calls.reward++;
    return reward(key, n);
  };
  return { limiter, calls };
}

describe('point leases', () => {
  test('a key seen once per window takes one point; a busy key takes doubling leases', async () => {
    const { limiter, calls } = countedLimiter(1000);
    const consume = pointLeases(limiter, { points: 1000, maxLease: 16 }).consume;
    const first = await consume('10.0.0.1');
    assert.deepEqual([first.allowed, first.remaining, calls.consume], [true, 999, 1]);
    assert.equal((await limiter.get('10.0.0.1'))?.consumedPoints, 1, 'exact for the first request');
    // Leases of 2, 4, 8, 16, 16...: 1 + 2 + 4 + 8 + 16 = 31 requests in 5 round trips.
    for (let i = 1; i < 31; i++) assert.equal((await consume('10.0.0.1')).allowed, true);
    assert.equal(calls.consume, 5);
    assert.equal((await limiter.get('10.0.0.1'))?.consumedPoints, 31);
    // Every point is counted before it is spent: the store is never behind.
    await consume('10.0.0.1');
    assert.equal((await limiter.get('10.0.0.1'))?.consumedPoints, 47);
  });

  test('two instances sharing a store never admit more than the limit, even in parallel', async () => {
    const { limiter, calls } = countedLimiter(500);
    const instances = [0, 1].map(() => pointLeases(limiter, { points: 500, maxLease: 10 }).consume);
    const outcomes = await Promise.all(
      Array.from({ length: 1200 }, (_, i) => (instances[i % 2] as (typeof instances)[0])('10.0.0.2')),
    );
    const allowed = outcomes.filter((o) => o.allowed).length;
    assert.ok(allowed <= 500, `admitted ${allowed}`);
    // Refused early by at most the points each instance holds unspent: 2 × (10 − 1).
    assert.ok(allowed >= 500 - 18, `admitted only ${allowed}`);
    assert.equal(outcomes.filter((o) => o.crossedLimit).length, 1, 'the crossing is reported once');
    assert.ok(calls.consume < 200, `${calls.consume} round trips for 1200 requests`);
    for (const o of outcomes.filter((x) => !x.allowed)) assert.ok(o.msBeforeNext > 0);
  });

  test('once refused, the key is refused here until its window ends, without asking the store', async () => {
    const { limiter, calls } = countedLimiter(4);
    let clock = 1_000_000;
    const consume = pointLeases(limiter, { points: 4, maxLease: 2, now: () => clock }).consume;
    for (let i = 0; i < 4; i++) assert.equal((await consume('10.0.0.3')).allowed, true);
    const refused = await consume('10.0.0.3');
    assert.equal(refused.allowed, false);
    assert.equal(refused.crossedLimit, true);
    const asked = calls.consume;
    for (let i = 0; i < 50; i++) {
      const again = await consume('10.0.0.3');
      assert.equal(again.allowed, false);
      assert.equal(again.crossedLimit, false);
    }
    assert.equal(calls.consume, asked, 'a flood stops reaching the store');
    // Past the window the store is asked again (here it still refuses: the real window is 900 s).
    clock += refused.msBeforeNext + 1;
    assert.equal((await consume('10.0.0.3')).allowed, false);
    assert.equal(calls.consume, asked + 1);
  });

  test('near the limit a lease shrinks to what is left; one straddling the limit is spent up to it', async () => {
    const { limiter, calls } = countedLimiter(20);
    const a = pointLeases(limiter, { points: 20, maxLease: 8 }).consume;
    const b = pointLeases(limiter, { points: 20, maxLease: 8 }).consume;
    // a: leases of 1, 2, 4, 8 (15 points, 14 spent, 1 held); 5 left in the store.
    for (let i = 0; i < 14; i++) assert.equal((await a('10.0.0.4')).allowed, true);
    // b takes 1, then 2 (one held): 2 left in the store.
    for (let i = 0; i < 2; i++) assert.equal((await b('10.0.0.4')).allowed, true);
    assert.equal((await a('10.0.0.4')).allowed, true, 'the point a held');
    // a asks for min(8 × 2, 5) = 5: refused by the store, but 2 of them are under the limit.
    const straddling = await a('10.0.0.4');
    assert.deepEqual([straddling.allowed, straddling.crossedLimit], [true, false]);
    assert.equal((await a('10.0.0.4')).allowed, true, 'the second point under the limit');
    const over = await a('10.0.0.4');
    assert.deepEqual([over.allowed, over.crossedLimit], [false, true]);
    assert.equal((await b('10.0.0.4')).allowed, true, 'the point b held');
    const bOver = await b('10.0.0.4');
    assert.deepEqual([bOver.allowed, bOver.crossedLimit], [false, false], 'the crossing is reported once');
    // 20 admitted: a 17, b 3.
    assert.equal((await limiter.get('10.0.0.4'))?.consumedPoints, 25, 'refused leases are counted too');
    assert.equal(calls.reward, 0);
    // A fresh key on a is unaffected.
    assert.equal((await a('10.0.0.5')).remaining, 19);
  });

  test('the memory of keys is bounded: the least recently refilled is forgotten', async () => {
    const { limiter } = countedLimiter(1000);
    const consume = pointLeases(limiter, { points: 1000, maxLease: 4, maxKeys: 3 }).consume;
    for (const ip of ['a', 'b', 'c', 'd']) await consume(ip);
    // 'a' was forgotten: it starts again at one point (exact), not at a lease of 2.
    await consume('a');
    assert.equal((await limiter.get('a'))?.consumedPoints, 2);
    await consume('d');
    assert.equal((await limiter.get('d'))?.consumedPoints, 3, 'd kept its history: a lease of 2');
  });
});
