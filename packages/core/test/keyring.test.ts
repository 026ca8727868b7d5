// Keyring state machine: next -> active -> retiring -> retired, driven by
// planRotation. A small simulator applies the actions the way a server would.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createKeyring,
  createSigner,
  createVerifier,
  exportJwks,
  generateKey,
  importJwks,
  type KeyRecord,
  planRotation,
  type RotationAction,
} from '../src/index.js';

const H = 3600_000;
const policy = { rotateEvery: 24 * 3600, publishAhead: 2 * 3600, maxTokenTtl: 3600 };
const T0 = 1_800_000_000_000;

let counter = 0;
function apply(records: KeyRecord[], actions: RotationAction[], now: number): KeyRecord[] {
  let out = records.map((r) => ({ ...r }));
  for (const a of actions) {
    if (a.action === 'create-next') {
      out.push({ key: generateKey('EdDSA', { kid: `k${++counter}` }), state: 'next', createdAt: now });
    } else if (a.action === 'activate') {
      out = out.map((r) => (r.key.kid === a.kid ? { ...r, state: 'active', activatedAt: now } : r));
    } else if (a.action === 'retire') {
      out = out.map((r) => (r.key.kid === a.kid ? { ...r, state: 'retiring', retiringAt: now } : r));
    } else {
      out = out.map((r) => (r.key.kid === a.kid ? { ...r, state: 'retired', retiredAt: now } : r));
    }
  }
  return out;
}

/** Plans and applies until nothing is left to do at `now`. */
function settle(records: KeyRecord[], now: number): KeyRecord[] {
  let cur = records;
  for (let i = 0; i < 5; i++) {
    const actions = planRotation(cur, now, policy);
    if (actions.length === 0) return cur;
    cur = apply(cur, actions, now);
  }
  throw new Error('planRotation did not settle');
}

const states = (records: KeyRecord[]) => Object.fromEntries(records.map((r) => [r.key.kid, r.state]));

describe('planRotation', () => {
  test('bootstrap: create-next, then activate it; then nothing to do', () => {
    assert.deepEqual(planRotation([], T0, policy), [{ action: 'create-next' }]);
    const one = apply([], [{ action: 'create-next' }], T0);
    const kid = one[0]!.key.kid;
    assert.deepEqual(planRotation(one, T0, policy), [{ action: 'activate', kid }]);
    const ready = apply(one, [{ action: 'activate', kid }], T0);
    assert.deepEqual(planRotation(ready, T0, policy), []);
    assert.equal(createKeyring(ready).signingKey().kid, kid);
  });

  test('full cycle: next published publishAhead early, activated at rotateEvery, retiring dropped after maxTokenTtl', () => {
    counter = 100;
    let r = settle([], T0);
    const first = r[0]!.key.kid;
    // Just before rotateEvery - publishAhead: nothing.
    assert.deepEqual(planRotation(r, T0 + 22 * H - 1, policy), []);
    r = settle(r, T0 + 22 * H);
    const second = r.find((x) => x.state === 'next')!.key.kid;
    assert.deepEqual(states(r), { [first]: 'active', [second]: 'next' });
    // The next key is published (JWKS) but does not sign yet.
    const ring = createKeyring(r);
    assert.equal(ring.signingKey().kid, first);
    assert.deepEqual(
      ring
        .published()
        .map((x) => x.key.kid)
        .sort(),
      [first, second].sort(),
    );
    assert.deepEqual(planRotation(r, T0 + 24 * H - 1, policy), []);
    // At rotateEvery: activate + retire, in that order.
    assert.deepEqual(planRotation(r, T0 + 24 * H, policy), [
      { action: 'activate', kid: second },
      { action: 'retire', kid: first },
    ]);
    r = settle(r, T0 + 24 * H);
    assert.deepEqual(states(r), { [first]: 'retiring', [second]: 'active' });
    assert.equal(createKeyring(r).signingKey().kid, second);
    assert.equal(createKeyring(r).verificationKeys().size, 2);
    // Retiring stays published until maxTokenTtl after it stopped signing.
    assert.deepEqual(planRotation(r, T0 + 25 * H - 1, policy), []);
    assert.deepEqual(planRotation(r, T0 + 25 * H, policy), [{ action: 'drop', kid: first }]);
    r = settle(r, T0 + 25 * H);
    assert.equal(states(r)[first], 'retired');
    assert.deepEqual(
      createKeyring(r)
        .published()
        .map((x) => x.key.kid),
      [second],
    );
    assert.equal(createKeyring(r).records().length, 2);
  });

  test('a next created late waits publishAhead before it signs', () => {
    counter = 200;
    let r = settle([], T0);
    // Server was down: first look at T0 + 30h. Next is created now, not activated yet.
    r = settle(r, T0 + 30 * H);
    assert.equal(r.filter((x) => x.state === 'next').length, 1);
    assert.deepEqual(planRotation(r, T0 + 32 * H - 1, policy), []);
    assert.equal(planRotation(r, T0 + 32 * H, policy)[0]?.action, 'activate');
  });

  test('stray extra active keys are retired; the newest active signs', () => {
    const a = generateKey('ES256', { kid: 'a' });
    const b = generateKey('ES256', { kid: 'b' });
    const records: KeyRecord[] = [
      { key: a, state: 'active', createdAt: T0, activatedAt: T0 },
      { key: b, state: 'active', createdAt: T0, activatedAt: T0 + 1000 },
    ];
    assert.equal(createKeyring(records).signingKey().kid, 'b');
    assert.deepEqual(planRotation(records, T0 + 2000, policy), [{ action: 'retire', kid: 'a' }]);
  });

  test('bad input is a TypeError', () => {
    assert.throws(() => planRotation([], T0, { ...policy, rotateEvery: -1 }), /policy\.rotateEvery/);
    assert.throws(() => planRotation(null as never, T0, policy), TypeError);
    assert.throws(
      () => createKeyring([{ key: generateKey('HS256'), state: 'old' as never, createdAt: 0 }]),
      /state/,
    );
  });
});

describe('createKeyring', () => {
  test('signingKey throws without an active key', () => {
    const r: KeyRecord[] = [{ key: generateKey('EdDSA'), state: 'next', createdAt: T0 }];
    assert.throws(() => createKeyring(r).signingKey(), /no active key/);
  });

  test('verification keys are public halves; a token verifies until its key is dropped', () => {
    counter = 300;
    let r = settle([], T0);
    r = settle(r, T0 + 22 * H);
    for (const k of createKeyring(r).verificationKeys().list()) assert.equal(k.kind, 'public');
    // Signed one minute before rotation, living maxTokenTtl.
    const signedAt = T0 + 24 * H - 60_000;
    const token = createSigner({ key: createKeyring(r).signingKey(), ttl: '1h', now: () => signedAt })({
      sub: 'u1',
    });

    // Verifiers fetch the JWKS (public keys only) after each step.
    const verifyAt = (records: KeyRecord[], now: number) => {
      const jwks = exportJwks(createKeyring(records).verificationKeys().list());
      for (const k of jwks.keys) assert.equal('d' in k, false);
      const keys = importJwks(jwks, { algorithms: ['EdDSA'] });
      return createVerifier({ keys, algorithms: ['EdDSA'], clockTolerance: 0, now: () => now })(token);
    };
    assert.equal(verifyAt(r, signedAt).payload.sub, 'u1');
    r = settle(r, T0 + 24 * H);
    assert.equal(
      createKeyring(r).signingKey().kid !==
        JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid,
      true,
    );
    assert.equal(verifyAt(r, T0 + 24 * H).payload.sub, 'u1');
    assert.equal(verifyAt(r, signedAt + 3600_000 - 1).payload.sub, 'u1');
    r = settle(r, T0 + 25 * H);
    assert.throws(() => verifyAt(r, T0 + 25 * H), { code: 'ERR_JWKS_NO_MATCHING_KEY' });
  });

  test('HMAC keyrings verify with the secret itself (there is no public half)', () => {
    const key = generateKey('HS256', { kid: 'h' });
    const ring = createKeyring([{ key, state: 'active', createdAt: T0, activatedAt: T0 }]);
    assert.equal(ring.verificationKeys().get('h'), key);
  });
});
