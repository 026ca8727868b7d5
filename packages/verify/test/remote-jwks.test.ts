// Remote JWKS against a real local HTTP server: discovery, Cache-Control within floor/ceiling, one
// fetch in flight, unknown-kid cooldown under a flood, last good keys kept, timeout.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createSigner, generateKey } from '@tessera/core';
import { createRemoteJwks, createRemoteVerifier } from '../src/index.js';
import { startIssuer, type TestIssuer, waitFor } from './helpers/issuer.js';

function withKid(token: string, kid: string): string {
  const [, payload, sig] = token.split('.');
  const header = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid })).toString('base64url');
  return `${header}.${payload}.${sig}`;
}

describe('remote JWKS', () => {
  let issuer: TestIssuer;
  before(async () => {
    issuer = await startIssuer();
  });
  after(() => issuer.close());

  test('discovers jwks_uri from the issuer; verify is sync after ready()', async () => {
    const before = issuer.counts.discovery;
    const verifier = createRemoteVerifier({ issuer: issuer.url, audience: issuer.audience });
    assert.equal(verifier.isReady, false);
    assert.throws(() => verifier.verify(issuer.sign({ sub: 'u1' })), { code: 'ERR_JWKS_NOT_READY' });
    await verifier.ready();
    assert.equal(issuer.counts.discovery, before + 1);
    const { payload } = verifier.verify(issuer.sign({ sub: 'u1', roles: ['user'] }));
    assert.equal(payload.sub, 'u1');
    assert.deepEqual(verifier.state().keys, ['k1']);
    assert.equal(verifier.state().lastError, undefined);
  });

  test('keys are fetched from construction, so sync-only callers need not call ready()', async () => {
    const verifier = createRemoteVerifier({ issuer: issuer.url, audience: issuer.audience });
    await waitFor(() => verifier.isReady, 5000);
    assert.equal(verifier.verify(issuer.sign({ sub: 'eager' })).payload.sub, 'eager');
  });

  test('verifyAsync waits for the first fetch', async () => {
    const verifier = createRemoteVerifier({
      jwksUri: `${issuer.url}/.well-known/jwks.json`,
      issuer: issuer.url,
      audience: issuer.audience,
    });
    const { payload } = await verifier.verifyAsync(issuer.sign({ sub: 'u2' }));
    assert.equal(payload.sub, 'u2');
  });

  test('Cache-Control max-age is honoured between the floor and the ceiling', async () => {
    const cases: Array<[string | undefined, number]> = [
      ['max-age=120', 120],
      ['public, max-age=5', 30], // below the floor
      ['max-age=999999', 3600], // above the ceiling
      ['no-store', 30],
      [undefined, 300], // default
    ];
    for (const [header, expected] of cases) {
      issuer.jwksCacheControl = header;
      const jwks = createRemoteJwks({
        jwksUri: `${issuer.url}/.well-known/jwks.json`,
        algorithms: ['ES256'],
        minRefreshSeconds: 30,
        maxRefreshSeconds: 3600,
      });
      await jwks.refresh();
      const s = jwks.state();
      assert.equal(((s.expiresAt as number) - (s.fetchedAt as number)) / 1000, expected, String(header));
    }
    issuer.jwksCacheControl = 'max-age=300';
  });

  test('refetches lazily after max-age, in the background, once', async () => {
    let t = Date.now();
    issuer.jwksCacheControl = 'max-age=60';
    const jwks = createRemoteJwks({
      jwksUri: `${issuer.url}/.well-known/jwks.json`,
      algorithms: ['ES256'],
      now: () => t,
    });
    await jwks.refresh();
    const start = issuer.counts.jwks;
    for (let i = 0; i < 100; i++) jwks.refreshIfExpired();
    assert.equal(issuer.counts.jwks, start, 'fresh: no fetch');
    t += 61_000;
    for (let i = 0; i < 100; i++) jwks.refreshIfExpired();
    await jwks.refresh(); // joins the background fetch
    assert.equal(issuer.counts.jwks, start + 1);
    assert.equal(jwks.state().fetchedAt, t);
  });

  test('one fetch in flight for concurrent callers', async () => {
    const jwks = createRemoteJwks({ jwksUri: `${issuer.url}/.well-known/jwks.json`, algorithms: ['ES256'] });
    const start = issuer.counts.jwks;
    const sets = await Promise.all(Array.from({ length: 50 }, () => jwks.refresh()));
    assert.equal(issuer.counts.jwks, start + 1);
    assert.ok(sets.every((s) => s === sets[0]));
  });

  test('a flood of 1,000 random-kid tokens makes at most one fetch per cooldown', async () => {
    let t = Date.now();
    const verifier = createRemoteVerifier({
      issuer: issuer.url,
      audience: issuer.audience,
      unknownKidCooldownSeconds: 30,
      now: () => t,
    });
    await verifier.ready();
    const base = issuer.sign({ sub: 'u' });
    const flood = async () => {
      const tokens = Array.from({ length: 1000 }, () => withKid(base, randomBytes(8).toString('hex')));
      for (const tok of tokens.slice(0, 500)) {
        assert.throws(() => verifier.verify(tok), { code: 'ERR_JWKS_NO_MATCHING_KEY' });
      }
      const results = await Promise.allSettled(tokens.slice(500).map((tok) => verifier.verifyAsync(tok)));
      assert.ok(
        results.every(
          (r) =>
            r.status === 'rejected' && (r.reason as { code: string }).code === 'ERR_JWKS_NO_MATCHING_KEY',
        ),
      );
    };
    const start = issuer.counts.jwks;
    await flood(); // within the cooldown of the start-up fetch
    assert.equal(issuer.counts.jwks, start, 'no fetch inside the cooldown');
    t += 31_000;
    await flood();
    assert.equal(issuer.counts.jwks, start + 1, 'one fetch for the whole flood');
    t += 10_000;
    await flood();
    assert.equal(issuer.counts.jwks, start + 1, 'still cooling down');
    t += 25_000;
    await flood();
    assert.equal(issuer.counts.jwks, start + 2);
    // Valid tokens are unaffected throughout.
    assert.equal(verifier.verify(issuer.sign({ sub: 'ok' })).payload.sub, 'ok');
  });

  test('a new key is picked up on its first token (after the cooldown), a removed one is refused', async () => {
    let t = Date.now();
    const verifier = createRemoteVerifier({
      issuer: issuer.url,
      audience: issuer.audience,
      cache: { max: 100 },
      now: () => t,
    });
    await verifier.ready();
    const k2 = generateKey('ES256', { kid: 'k2' });
    issuer.keys = [issuer.key, k2];
    const tokenK2 = issuer.signWith(k2, { sub: 'new' });
    t += 31_000;
    assert.equal((await verifier.verifyAsync(tokenK2)).payload.sub, 'new');
    assert.deepEqual(verifier.state().keys.sort(), ['k1', 'k2']);
    // k2 is withdrawn: a forced refresh drops it and the cached verification with it.
    verifier.verify(tokenK2);
    issuer.keys = [issuer.key];
    await verifier.refreshKeys();
    assert.throws(() => verifier.verify(tokenK2), { code: 'ERR_JWKS_NO_MATCHING_KEY' });
    assert.equal(verifier.verify(issuer.sign({ sub: 'old' })).payload.sub, 'old');
  });

  test('keeps the last good keys while the server is down, and backs off', async () => {
    let t = Date.now();
    issuer.jwksCacheControl = 'max-age=60';
    const verifier = createRemoteVerifier({
      issuer: issuer.url,
      audience: issuer.audience,
      timeoutMs: 2000,
      now: () => t,
    });
    const sign = createSigner({
      key: issuer.key,
      issuer: issuer.url,
      audience: issuer.audience,
      now: () => t,
    });
    await verifier.ready();
    const modes = [
      ['error', 'ERR_JWKS_FETCH_FAILED'],
      ['reset', 'ERR_JWKS_FETCH_FAILED'],
      ['hang', 'ERR_JWKS_TIMEOUT'],
    ] as const;
    for (const [mode, code] of modes) {
      issuer.jwksMode = mode;
      t += 3600_000;
      const start = issuer.counts.jwks;
      for (let i = 0; i < 200; i++) assert.equal(verifier.verify(sign({ sub: 'u' })).payload.sub, 'u');
      await assert.rejects(verifier.refreshKeys(), { code });
      assert.equal(issuer.counts.jwks - start <= 2, true, 'one background fetch, then backoff');
      assert.equal(verifier.state().lastError?.code, code);
      assert.deepEqual(verifier.state().keys, ['k1']);
    }
    issuer.jwksMode = 'up';
    issuer.jwksCacheControl = 'max-age=300';
    await verifier.refreshKeys();
    assert.equal(verifier.state().lastError, undefined);
  });

  test('a fetch that hangs times out', async () => {
    issuer.jwksMode = 'hang';
    try {
      const verifier = createRemoteVerifier({
        jwksUri: `${issuer.url}/.well-known/jwks.json`,
        audience: issuer.audience,
        timeoutMs: 200,
      });
      const started = Date.now();
      await assert.rejects(verifier.ready(), { code: 'ERR_JWKS_TIMEOUT' });
      assert.ok(Date.now() - started < 5000);
      assert.equal(verifier.state().lastError?.code, 'ERR_JWKS_TIMEOUT');
      await assert.rejects(verifier.verifyAsync(issuer.sign({ sub: 'u' })), { code: 'ERR_JWKS_NOT_READY' });
    } finally {
      issuer.jwksMode = 'up';
    }
  });

  test('discovery naming another issuer is refused', async () => {
    const verifier = createRemoteVerifier({
      issuer: `${issuer.url}/other`,
      audience: issuer.audience,
      fetch: (url) => fetch(String(url).replace('/other', '')),
    });
    await assert.rejects(verifier.ready(), { code: 'ERR_JWKS_FETCH_FAILED' });
  });

  test('bad options are TypeErrors', () => {
    assert.throws(() => createRemoteVerifier({} as never), TypeError);
    assert.throws(
      () =>
        createRemoteJwks({
          jwksUri: 'http://x',
          algorithms: ['ES256'],
          minRefreshSeconds: 10,
          maxRefreshSeconds: 5,
        }),
      TypeError,
    );
  });
});
