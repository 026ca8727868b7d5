// One million live revocations: every entry is found, nothing else is, and expiry drops exactly the
// entries that are due. Correctness only; the timing and memory numbers come from
// revocation-bench.ts and are in the README.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRevocationStore } from '../src/index.js';

test('1,000,000 live revocations: exact lookups and bounded expiry', () => {
  let t = 1_800_000_000_000;
  const s = t / 1000;
  const store = createRevocationStore({ now: () => t, graceSeconds: 0 });
  const N = 1_000_000;
  // 90% jti, 9% sid, 1% sub; exp spread over the next 15 minutes like real access tokens.
  let liveAfter450 = 0;
  for (let i = 0; i < N; i++) {
    const exp = s + 1 + (i % 900);
    if (exp > s + 450) liveAfter450++;
    if (i % 100 === 0) store.add({ type: 'sub', value: `u${i}`, iat_before: s, exp });
    else if (i % 10 === 0) store.add({ type: 'sid', value: `s${i}`, exp });
    else store.add({ type: 'jti', value: `j${i}`, exp });
  }
  assert.equal(store.size, N);
  for (let i = 0; i < N; i += 997) {
    const revoked =
      i % 100 === 0
        ? store.isRevoked({ sub: `u${i}`, iat: s - 1 })
        : i % 10 === 0
          ? store.isRevoked({ sid: `s${i}` })
          : store.isRevoked({ jti: `j${i}` });
    assert.equal(revoked, true, `entry ${i}`);
    assert.equal(store.isRevoked({ jti: `x${i}`, sid: `y${i}`, sub: `z${i}`, iat: s - 1 }), false);
  }
  assert.equal(store.isRevoked({ sub: 'u0', iat: s }), false, 'issued at the cut-off: kept');
  // After 450 s, the entries with exp <= s + 450 (about half) are gone, the rest remain.
  t += 450_000;
  store.sweep();
  assert.equal(store.size, liveAfter450);
  assert.equal(store.isRevoked({ jti: 'j1' }), false, 'exp s+2: dropped');
  assert.equal(store.isRevoked({ jti: 'j451' }), true, 'exp s+452: kept');
  t += 451_000;
  store.sweep();
  assert.equal(store.size, 0);
});
