import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createSigner, createVerifier, generateKey } from '@tessera/core';
import {
  authenticateAsync,
  authenticateSync,
  challenge,
  denialFor,
  type FailureInfo,
} from './authenticate.js';
import { InsufficientScope, JwksNotReady, RevocationsStale } from './errors.js';

const key = generateKey('ES256', { kid: 'unit' });
const sign = createSigner({ key, issuer: 'https://iss.test', audience: 'api' });
const verify = createVerifier({
  keys: key,
  algorithms: ['ES256'],
  issuer: 'https://iss.test',
  audience: 'api',
});
const parts = (authorization?: string) => ({ authorization, cookie: undefined, url: '/' });

describe('authenticate engine', () => {
  test('challenges carry the realm, quoted and sanitised', () => {
    assert.equal(challenge(undefined), 'Bearer');
    assert.equal(challenge('invalid_token', 'orders'), 'Bearer realm="orders", error="invalid_token"');
    assert.equal(challenge(undefined, 'a"b\\c'), 'Bearer realm="abc"');
  });

  test('maps errors: bad token 401, cannot decide 503, missing role 403', () => {
    assert.equal(denialFor(new Error('x')).status, 401);
    assert.equal(denialFor(new JwksNotReady()).status, 503);
    assert.equal(denialFor(new RevocationsStale()).status, 503);
    const forbidden = denialFor(new InsufficientScope(), 'r');
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.headers['www-authenticate'], 'Bearer realm="r", error="insufficient_scope"');
  });

  test('works with a plain core verifier, sync and async, and reports codes to onError only', async () => {
    const seen: FailureInfo[] = [];
    const opts = { requireRoles: ['admin'], onError: (_e: unknown, i: FailureInfo) => seen.push(i) };
    const ok = authenticateSync(parts(`Bearer ${sign({ sub: 'a', roles: ['admin'] })}`), verify, opts);
    assert.equal(ok.ok && ok.auth?.sub, 'a');
    const forbidden = await authenticateAsync(
      parts(`Bearer ${sign({ sub: 'u', roles: ['user'] })}`),
      verify,
      opts,
    );
    assert.equal(forbidden.ok, false);
    assert.equal(!forbidden.ok && forbidden.denial.status, 403);
    const bad = authenticateSync(parts('Bearer a.b.c'), verify, opts);
    assert.equal(!bad.ok && bad.denial.body.error, 'invalid_token');
    const missing = authenticateSync(parts(), verify, opts);
    assert.equal(!missing.ok && missing.denial.status, 401);
    const malformed = authenticateSync(parts('Bearer'), verify, opts);
    assert.equal(!malformed.ok && malformed.denial.status, 400);
    assert.deepEqual(
      seen.map((s) => s.code),
      ['ERR_AUTHZ_INSUFFICIENT_SCOPE', 'ERR_JWT_MALFORMED', 'missing_token', 'invalid_request'],
    );
  });

  test('optional: no token gives auth null without calling onError', () => {
    let calls = 0;
    const r = authenticateSync(parts(), verify, { optional: true, onError: () => calls++ });
    assert.deepEqual(r, { ok: true, auth: null });
    assert.equal(calls, 0);
  });

  test('with the token cache, one frozen AuthInfo per token: a handler cannot change the next request', () => {
    const cached = createVerifier({
      keys: key,
      algorithms: ['ES256'],
      issuer: 'https://iss.test',
      audience: 'api',
      cache: { max: 10 },
    });
    const token = sign({ sub: 'a', roles: ['user'], act: { sub: 'svc', act: { sub: 'gw' } } });
    const first = authenticateSync(parts(`Bearer ${token}`), cached, {});
    const again = authenticateSync(parts(`Bearer ${token}`), cached, {});
    assert.ok(first.ok && first.auth && again.ok && again.auth);
    assert.equal(again.auth, first.auth);
    // A handler trying to grant itself a role, or to rewrite the actor chain, fails loudly.
    assert.throws(() => (first.auth!.roles as string[]).push('admin'), TypeError);
    assert.throws(() => {
      (first.auth as { sub: string }).sub = 'admin';
    }, TypeError);
    assert.throws(() => {
      (first.auth!.act!.act as { sub: string }).sub = 'evil';
    }, TypeError);
    assert.deepEqual(again.auth.roles, ['user']);
    // Another token gets its own AuthInfo; without a cache every request gets a fresh one.
    const other = authenticateSync(parts(`Bearer ${sign({ sub: 'b' })}`), cached, {});
    assert.ok(other.ok && other.auth && other.auth !== first.auth && other.auth.sub === 'b');
    const plain1 = authenticateSync(parts(`Bearer ${token}`), verify, {});
    const plain2 = authenticateSync(parts(`Bearer ${token}`), verify, {});
    assert.ok(plain1.ok && plain2.ok && plain1.auth !== plain2.auth);
  });
});
