// What a remote verifier trusts, from the attacker's side: a token minted by the issuer for another
// API, and a discovery document (served by the real issuer's URL) that points jwks_uri at keys the
// attacker holds. Both over real HTTP.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createSigner } from '@tessera/core';
import { createRemoteVerifier } from '../src/index.js';
import { startIssuer, type TestIssuer } from './helpers/issuer.js';

describe('createRemoteVerifier: audience is a decision, not a default', () => {
  let issuer: TestIssuer;
  before(async () => {
    issuer = await startIssuer({ audience: 'orders-api' });
  });
  after(() => issuer.close());

  test('no audience option is a TypeError naming the option', () => {
    assert.throws(
      () => createRemoteVerifier({ issuer: issuer.url } as never),
      /options\.audience is required/,
    );
    for (const bad of ['', [], [''], [1], null, true]) {
      assert.throws(
        () => createRemoteVerifier({ issuer: issuer.url, audience: bad } as never),
        TypeError,
        JSON.stringify(bad),
      );
    }
  });

  test('a token the issuer minted for another API is refused', async () => {
    const verifier = createRemoteVerifier({ issuer: issuer.url, audience: 'orders-api' });
    await verifier.ready();
    const forBilling = createSigner({ key: issuer.key, issuer: issuer.url, audience: 'billing-api' })({
      sub: 'u1',
    });
    assert.throws(() => verifier.verify(forBilling), { code: 'ERR_JWT_CLAIM_INVALID' });
    assert.equal(verifier.verify(issuer.sign({ sub: 'u1' })).payload.sub, 'u1');
  });

  test('audience: false is the explicit opt-out (any audience passes)', async () => {
    const verifier = createRemoteVerifier({ issuer: issuer.url, audience: false });
    await verifier.ready();
    const forBilling = createSigner({ key: issuer.key, issuer: issuer.url, audience: 'billing-api' })({
      sub: 'u2',
    });
    assert.equal(verifier.verify(forBilling).payload.sub, 'u2');
  });
});

describe('createRemoteVerifier: a discovered jwks_uri must be on the issuer origin', () => {
  let issuer: TestIssuer;
  let attacker: TestIssuer;
  before(async () => {
    issuer = await startIssuer({ audience: 'orders-api' });
    attacker = await startIssuer({ audience: 'orders-api', kid: 'k1' });
  });
  after(async () => {
    await issuer.close();
    await attacker.close();
  });

  /** A token with the real issuer's iss and aud, signed with the attacker's key (same kid). */
  function forged(): string {
    return createSigner({ key: attacker.key, issuer: issuer.url, audience: 'orders-api' })({
      sub: 'admin',
      roles: ['admin'],
    });
  }

  test('discovery pointing at another origin is refused; the attacker key set is never fetched', async () => {
    issuer.discoveryJwksUri = `${attacker.url}/.well-known/jwks.json`;
    try {
      const fetchedBefore = attacker.counts.jwks;
      const verifier = createRemoteVerifier({ issuer: issuer.url, audience: 'orders-api' });
      await assert.rejects(verifier.ready(), {
        code: 'ERR_JWKS_FETCH_FAILED',
        message: /not on the issuer origin/,
      });
      await assert.rejects(verifier.verifyAsync(forged()));
      assert.equal(attacker.counts.jwks, fetchedBefore);
      assert.match(verifier.state().lastError?.message ?? '', /jwksOrigins/);
    } finally {
      issuer.discoveryJwksUri = undefined;
    }
  });

  test('an invalid jwks_uri is refused', async () => {
    issuer.discoveryJwksUri = 'not a url';
    try {
      const verifier = createRemoteVerifier({ issuer: issuer.url, audience: 'orders-api' });
      await assert.rejects(verifier.ready(), { code: 'ERR_JWKS_FETCH_FAILED' });
    } finally {
      issuer.discoveryJwksUri = undefined;
    }
  });

  test('jwksOrigins names an allowed key-set origin (a CDN, say)', async () => {
    issuer.discoveryJwksUri = `${attacker.url}/.well-known/jwks.json`;
    try {
      const verifier = createRemoteVerifier({
        issuer: issuer.url,
        audience: 'orders-api',
        jwksOrigins: [attacker.url],
      });
      await verifier.ready();
      assert.equal(verifier.verify(forged()).payload.sub, 'admin', 'the configured origin is trusted');
      assert.throws(
        () => createRemoteVerifier({ issuer: issuer.url, audience: 'x', jwksOrigins: ['cdn.example'] }),
        TypeError,
      );
    } finally {
      issuer.discoveryJwksUri = undefined;
    }
  });

  test('the same-origin default keeps working', async () => {
    const verifier = createRemoteVerifier({ issuer: issuer.url, audience: 'orders-api' });
    await verifier.ready();
    assert.throws(() => verifier.verify(forged()), { code: 'ERR_JWS_SIGNATURE_INVALID' });
    assert.equal(verifier.verify(issuer.sign({ sub: 'u3' })).payload.sub, 'u3');
  });
});
