import assert from 'node:assert/strict';
import { test } from 'node:test';
import { singleFlight } from './single-flight.js';

test('concurrent callers share one call, and a later call starts a new one', async () => {
  let calls = 0;
  const run = singleFlight(async () => {
    calls += 1;
    await new Promise((r) => setTimeout(r, 10));
    return calls;
  });
  const results = await Promise.all(Array.from({ length: 10 }, () => run()));
  assert.equal(calls, 1);
  assert.deepEqual(new Set(results), new Set([1]));
  assert.equal(await run(), 2);
});

test('a failure reaches every waiter and does not stick', async () => {
  let calls = 0;
  const run = singleFlight(async () => {
    calls += 1;
    if (calls === 1) throw new Error('boom');
    return 'ok';
  });
  const settled = await Promise.allSettled([run(), run()]);
  assert.deepEqual(
    settled.map((s) => s.status),
    ['rejected', 'rejected'],
  );
  assert.equal(await run(), 'ok');
});
