import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generateKey } from '../jwk/generate.js';
import { publicKeyOf } from '../jwk/import.js';
import { createSigner } from '../jwt/sign.js';
import { createVerifier } from '../jwt/verify.js';
import type { KeySet, TesseraKey } from '../types.js';
import { type CachedToken, TokenCache } from './token-cache.js';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as { code: string }).code;
  }
  return 'no error';
}

const key = generateKey('ES256', { kid: 'k1' });

function setup(extra: object = {}) {
  let ms = 1_800_000_000_000;
  const now = () => ms;
  const sign = createSigner({ key, issuer: 'iss', audience: 'aud', ttl: 60, now });
  const revoked = new Set<string>();
  const verify = createVerifier({
    keys: publicKeyOf(key),
    algorithms: ['ES256'],
    issuer: 'iss',
    audience: 'aud',
    clockTolerance: 0,
    cache: { max: 3 },
    isRevoked: (p) => revoked.has(p.jti!),
    now,
    ...extra,
  });
  return { sign, verify, revoked, tick: (s: number) => (ms += s * 1000) };
}

describe('verified-token cache', () => {
  test('a hit returns the same verified result and fills the cache once', () => {
    const { sign, verify } = setup();
    const t = sign({ sub: 'u1', sid: 's1' });
    const a = verify(t);
    const b = verify(t);
    assert.equal(a, b);
    assert.equal(b.payload.sub, 'u1');
    assert.equal(verify.cache?.size, 1);
    assert.ok(Object.isFrozen(b.payload));
  });

  test('a hit never returns a token past exp', () => {
    const { sign, verify, tick } = setup();
    const t = sign({ sub: 'u1' });
    verify(t);
    tick(59);
    assert.equal(verify(t).payload.sub, 'u1');
    tick(1);
    assert.equal(
      code(() => verify(t)),
      'ERR_JWT_EXPIRED',
    );
    assert.equal(verify.cache?.size, 0);
  });

  test('a hit re-checks maxAge the same way as a miss (exactly maxAge old is still valid)', () => {
    const { sign, verify, tick } = setup({ maxAge: 30 });
    const t = sign({ sub: 'u1' });
    verify(t);
    tick(30);
    assert.equal(verify(t).payload.sub, 'u1');
    tick(1);
    assert.equal(
      code(() => verify(t)),
      'ERR_JWT_EXPIRED',
    );
  });

  test('a hit still calls isRevoked', () => {
    const { sign, verify, revoked } = setup();
    const t = sign({ sub: 'u1' }, { jti: 'j1' });
    verify(t);
    revoked.add('j1');
    assert.equal(
      code(() => verify(t)),
      'ERR_JWT_REVOKED',
    );
  });

  test('invalidateJti / invalidateSid / invalidateKid / clear drop entries', () => {
    const { sign, verify } = setup();
    const t1 = sign({ sub: 'u1', sid: 's1' }, { jti: 'j1' });
    const t2 = sign({ sub: 'u2', sid: 's2' }, { jti: 'j2' });
    verify(t1);
    verify(t2);
    assert.equal(verify.cache?.size, 2);
    verify.cache?.invalidateJti('j1');
    assert.equal(verify.cache?.size, 1);
    verify.cache?.invalidateSid('s2');
    assert.equal(verify.cache?.size, 0);
    verify(t1);
    verify.cache?.invalidateKid('k1');
    assert.equal(verify.cache?.size, 0);
    verify(t1);
    verify.cache?.clear();
    assert.equal(verify.cache?.size, 0);
  });

  test('bounded: never more than max entries; recently hit entries survive eviction', () => {
    const { sign, verify } = setup();
    const tokens = Array.from({ length: 10 }, (_, i) => sign({ sub: `u${i}` }));
    verify(tokens[0]!);
    for (const t of tokens.slice(1)) {
      verify(tokens[0]!); // keep it hot
      verify(t);
      assert.ok(verify.cache!.size <= 3);
    }
    assert.equal(verify.cache?.size, 3);
    // tokens[0] is still cached: invalidating its jti removes an entry.
    const jti = verify(tokens[0]!).payload.jti!;
    verify.cache?.invalidateJti(jti);
    assert.equal(verify.cache?.size, 2);
  });

  test('key removal from a mutable KeySet is honoured on a hit', () => {
    const map = new Map<string, TesseraKey>([['k1', publicKeyOf(key)]]);
    const keys: KeySet = { get: (k) => map.get(k), size: 1, list: () => [...map.values()] };
    const { sign, verify } = setup({ keys });
    const t = sign({ sub: 'u1' });
    verify(t);
    map.clear();
    assert.equal(
      code(() => verify(t)),
      'ERR_JWKS_NO_MATCHING_KEY',
    );
  });

  test('no cache property without opts.cache; a bad token is never cached', () => {
    const { verify } = setup({ cache: undefined });
    assert.equal(verify.cache, undefined);
    const cached = setup();
    const t = cached.sign({ sub: 'u1' });
    assert.equal(
      code(() => cached.verify(`${t}x`)),
      'ERR_JWT_MALFORMED',
    );
    assert.equal(cached.verify.cache?.size, 0);
  });

  test('TokenCache alone: CLOCK eviction with a max of 1', () => {
    const c = new TokenCache(1);
    const entry = { jti: 'a', sid: undefined, kid: 'k', hit: false } as unknown as CachedToken;
    c.set('t1', entry);
    assert.equal(c.get('t1'), entry);
    c.set('t2', { ...entry, jti: 'b' });
    assert.equal(c.size, 1);
    assert.equal(c.get('t1'), undefined);
    assert.equal(c.get('t2')?.jti, 'b');
  });
});
