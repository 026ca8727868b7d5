import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRevocationStore } from './revocation-store.js';

describe('revocation store', () => {
  test('jti, sid and sub (iat before) entries revoke the tokens they cover', () => {
    let t = 1_700_000_000_000;
    const store = createRevocationStore({ now: () => t, graceSeconds: 0 });
    const nowSec = t / 1000;
    assert.ok(store.add({ type: 'jti', value: 'j1', exp: nowSec + 60 }));
    assert.ok(store.add({ type: 'sid', value: 's1', exp: nowSec + 60 }));
    assert.ok(store.add({ type: 'sub', value: 'u1', iat_before: nowSec - 10, exp: nowSec + 60 }));
    assert.equal(store.isRevoked({ jti: 'j1' }), true);
    assert.equal(store.isRevoked({ jti: 'j2', sid: 's1' }), true);
    assert.equal(store.isRevoked({ jti: 'j2', sid: 's2' }), false);
    assert.equal(store.isRevoked({ sub: 'u1', iat: nowSec - 11 }), true);
    assert.equal(store.isRevoked({ sub: 'u1', iat: nowSec - 10 }), false, 'iat equal to iat_before is kept');
    assert.equal(store.isRevoked({ sub: 'u1' }), true, 'no iat cannot prove it is newer');
    assert.equal(store.isRevoked({ sub: 'u2', iat: 0 }), false);
    assert.equal(store.size, 3);
    t += 61_000;
    store.sweep();
    assert.equal(store.size, 0);
    assert.equal(store.isRevoked({ jti: 'j1' }), false);
  });

  test('a kid entry revokes every token signed with that key (read from the header)', () => {
    let t = 1_700_000_000_000;
    const store = createRevocationStore({ now: () => t, graceSeconds: 0 });
    assert.ok(store.add({ type: 'kid', value: 'k-leaked', exp: t / 1000 + 60 }));
    assert.equal(store.isRevoked({ sub: 'u1', jti: 'j1' }, { kid: 'k-leaked' }), true);
    assert.equal(store.isRevoked({ sub: 'u1', jti: 'j1' }, { kid: 'k-good' }), false);
    assert.equal(store.isRevoked({ sub: 'u1', jti: 'j1' }), false, 'no header, no kid check');
    assert.equal(store.size, 1);
    t += 61_000;
    store.sweep();
    assert.equal(store.size, 0);
    assert.equal(store.isRevoked({}, { kid: 'k-leaked' }), false);
  });

  test('entries live `graceSeconds` past exp, because tokens are accepted that long after theirs', () => {
    let t = 1_700_000_000_000;
    const store = createRevocationStore({ now: () => t, graceSeconds: 30 });
    store.add({ type: 'jti', value: 'j', exp: t / 1000 + 10 });
    t += 20_000;
    store.sweep();
    assert.equal(store.isRevoked({ jti: 'j' }), true);
    t += 21_000;
    store.sweep();
    assert.equal(store.isRevoked({ jti: 'j' }), false);
  });

  test('a later sub entry widens the cut-off; a re-added jti keeps the later exp', () => {
    let t = 1_700_000_000_000;
    const s = t / 1000;
    const store = createRevocationStore({ now: () => t, graceSeconds: 0 });
    store.add({ type: 'sub', value: 'u', iat_before: s - 100, exp: s + 100 });
    store.add({ type: 'sub', value: 'u', iat_before: s - 50, exp: s + 50 });
    assert.equal(store.isRevoked({ sub: 'u', iat: s - 60 }), true);
    store.add({ type: 'jti', value: 'j', exp: s + 10 });
    store.add({ type: 'jti', value: 'j', exp: s + 100 });
    t += 60_000;
    store.sweep();
    assert.equal(store.isRevoked({ sub: 'u', iat: s - 60 }), true, 'the sub entry lives to its max exp');
    assert.equal(store.isRevoked({ jti: 'j' }), true, 'the first bucket did not drop the extended jti');
    t += 41_000;
    store.sweep();
    assert.equal(store.size, 0);
  });

  test('malformed or already expired entries are ignored', () => {
    const t = 1_700_000_000_000;
    const store = createRevocationStore({ now: () => t, graceSeconds: 0 });
    const bad = [
      { type: 'jti', value: '', exp: t / 1000 + 10 },
      { type: 'jti', value: 'x', exp: Number.NaN },
      { type: 'sub', value: 'u', exp: t / 1000 + 10 },
      { type: 'other', value: 'x', exp: t / 1000 + 10 },
      { type: 'jti', value: 'old', exp: t / 1000 - 1 },
    ];
    for (const entry of bad) assert.equal(store.add(entry as never), false, JSON.stringify(entry));
    assert.equal(store.size, 0);
  });

  test('a sweep after a long pause drops everything due at once', () => {
    let t = 1_700_000_000_000;
    const store = createRevocationStore({ now: () => t, graceSeconds: 0 });
    for (let i = 0; i < 100; i++) store.add({ type: 'jti', value: `j${i}`, exp: t / 1000 + 1 + i });
    t += 3600_000 * 24 * 30;
    store.sweep();
    assert.equal(store.size, 0);
  });
});
