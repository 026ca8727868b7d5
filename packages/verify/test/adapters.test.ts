// Every adapter, really listening on 127.0.0.1, driven with fetch: the same expectations for each.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createSigner, generateKey } from '@tessera/core';
import {
  type AuthOptions,
  createRemoteVerifier,
  type FailureInfo,
  type RemoteVerifier,
} from '../src/index.js';
import { type App, builders } from './helpers/apps.js';
import { startIssuer, type TestIssuer } from './helpers/issuer.js';

async function call(url: string, init: RequestInit = {}) {
  const res = await fetch(url, init);
  const text = await res.text();
  return {
    status: res.status,
    challenge: res.headers.get('www-authenticate'),
    text,
    body: text ? JSON.parse(text) : undefined,
  };
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe('adapters', () => {
  let issuer: TestIssuer;
  let verifier: RemoteVerifier;
  before(async () => {
    issuer = await startIssuer();
    verifier = createRemoteVerifier({ issuer: issuer.url, audience: issuer.audience, cache: { max: 1000 } });
    await verifier.ready();
  });
  after(async () => {
    verifier.close();
    await issuer.close();
  });

  for (const [name, build] of Object.entries(builders)) {
    describe(name, () => {
      let app: App;
      const failures: FailureInfo[] = [];
      const options: AuthOptions = { onError: (_err, info) => failures.push(info) };
      before(async () => {
        app = await build(verifier, options);
      });
      after(() => app.close());

      test('no token: 401 with a bare Bearer challenge', async () => {
        const r = await call(`${app.url}/me`);
        assert.equal(r.status, 401);
        assert.equal(r.challenge, 'Bearer');
        assert.deepEqual(r.body, { error: 'unauthorized' });
      });

      test('requireAmr / maxAuthAge: RFC 9470 401 insufficient_user_authentication with acr_values and max_age', async () => {
        const now = Math.floor(Date.now() / 1000);
        const passwordOnly = issuer.sign({ sub: 'u1', roles: ['user'] });
        const weak = await call(`${app.url}/sensitive`, bearer(passwordOnly));
        assert.equal(weak.status, 401);
        assert.equal(weak.body.error, 'insufficient_user_authentication');
        assert.match(weak.challenge ?? '', /^Bearer error="insufficient_user_authentication", /);
        assert.match(weak.challenge ?? '', /acr_values="mfa"/);
        assert.match(weak.challenge ?? '', /max_age=300/);
        const stale = issuer.sign({ sub: 'u1', amr: ['otp', 'pwd', 'mfa'], auth_time: now - 301 });
        const old = await call(`${app.url}/sensitive`, bearer(stale));
        assert.equal(old.status, 401);
        assert.match(old.challenge ?? '', /error="insufficient_user_authentication"/);
        assert.match(old.body.error_description, /recent/);
        const pwdFresh = issuer.sign({ sub: 'u1', amr: ['pwd'], auth_time: now });
        assert.equal((await call(`${app.url}/sensitive`, bearer(pwdFresh))).status, 401, 'recent but no mfa');
        const fresh = issuer.sign({ sub: 'u1', amr: ['hwk', 'pwd', 'mfa'], auth_time: now - 10 });
        const ok = await call(`${app.url}/sensitive`, bearer(fresh));
        assert.equal(ok.status, 200, ok.text);
        assert.equal(ok.body.sub, 'u1');
      });

      test('bad, tampered, expired and wrong-audience tokens: 401 invalid_token, generic body', async () => {
        const good = issuer.sign({ sub: 'u1', roles: ['user'] });
        const [h, p, s] = good.split('.') as [string, string, string];
        const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
        const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, roles: ['admin'] })).toString('base64url')}.${s}`;
        const expired = createSigner({
          key: issuer.key,
          issuer: issuer.url,
          audience: issuer.audience,
          now: () => Date.now() - 3600_000,
        })({ sub: 'u1' });
        const wrongAud = createSigner({ key: issuer.key, issuer: issuer.url, audience: 'other.api' })({
          sub: 'u1',
        });
        const cases: Array<[string, string]> = [
          ['garbage', 'ERR_JWT_MALFORMED'],
          [tampered, 'ERR_JWS_SIGNATURE_INVALID'],
          [expired, 'ERR_JWT_EXPIRED'],
          [wrongAud, 'ERR_JWT_CLAIM_INVALID'],
        ];
        for (const [token, code] of cases) {
          failures.length = 0;
          const r = await call(`${app.url}/me`, bearer(token));
          assert.equal(r.status, 401, code);
          assert.equal(r.challenge, 'Bearer error="invalid_token"');
          assert.equal(r.text, '{"error":"invalid_token"}', 'the code never reaches the client');
          assert.deepEqual(failures, [{ status: 401, code }], 'the code reaches onError');
        }
      });

      test('valid token: 200 with the claims; scheme is case-insensitive', async () => {
        const token = issuer.sign({
          sub: 'u1',
          sid: 's1',
          roles: ['user'],
          scope: 'orders:read orders:write',
        });
        const r = await call(`${app.url}/me`, { headers: { authorization: `bearer   ${token}` } });
        assert.equal(r.status, 200);
        assert.deepEqual(r.body, {
          sub: 'u1',
          roles: ['user'],
          sid: 's1',
          scopes: ['orders:read', 'orders:write'],
        });
      });

      test('role or scope missing: 403 insufficient_scope; present: 200', async () => {
        const user = issuer.sign({ sub: 'u1', roles: ['user'] });
        const denied = await call(`${app.url}/admin`, bearer(user));
        assert.equal(denied.status, 403);
        assert.equal(denied.challenge, 'Bearer error="insufficient_scope"');
        assert.deepEqual(denied.body, { error: 'insufficient_scope' });
        const admin = await call(
          `${app.url}/admin`,
          bearer(issuer.sign({ sub: 'a1', roles: ['user', 'admin'] })),
        );
        assert.equal(admin.status, 200);
        assert.equal(admin.body.sub, 'a1');
        assert.equal((await call(`${app.url}/scoped`, bearer(user))).status, 403);
        const scoped = await call(
          `${app.url}/scoped`,
          bearer(issuer.sign({ sub: 's', scope: 'orders:read' })),
        );
        assert.equal(scoped.status, 200);
      });

      test('cookie extraction when configured', async () => {
        const token = issuer.sign({ sub: 'cookie-user' });
        const r = await call(`${app.url}/me`, { headers: { cookie: `theme=dark; at=${token}` } });
        assert.equal(r.status, 200);
        assert.equal(r.body.sub, 'cookie-user');
      });

      test('query token only where enabled; header plus query is invalid_request', async () => {
        const token = issuer.sign({ sub: 'ws-user' });
        const off = await call(`${app.url}/me?access_token=${token}`);
        assert.equal(off.status, 401);
        assert.equal(off.challenge, 'Bearer');
        const on = await call(`${app.url}/ws?access_token=${token}`);
        assert.equal(on.status, 200);
        assert.equal(on.body.sub, 'ws-user');
        const both = await call(`${app.url}/ws?access_token=${token}`, bearer(token));
        assert.equal(both.status, 400);
        assert.equal(both.challenge, 'Bearer error="invalid_request"');
        assert.deepEqual(both.body, { error: 'invalid_request' });
      });

      test('optional auth: no token passes with auth null, a bad token is still refused', async () => {
        assert.deepEqual((await call(`${app.url}/open`)).body, { sub: null });
        assert.equal((await call(`${app.url}/open`, bearer(issuer.sign({ sub: 'o' })))).body.sub, 'o');
        assert.equal((await call(`${app.url}/open`, bearer('x.y.z'))).status, 401);
      });
    });
  }

  describe('a key published after the first fetch: the synchronous path defers to the refetch', () => {
    for (const [name, build] of Object.entries(builders)) {
      test(name, async () => {
        const fresh = createRemoteVerifier({
          issuer: issuer.url,
          audience: issuer.audience,
          unknownKidCooldownSeconds: 0,
        });
        await fresh.ready();
        const app = await build(fresh, {});
        const key = generateKey('ES256', { kid: `late-${name}` });
        issuer.keys.push(key);
        try {
          const token = createSigner({ key, issuer: issuer.url, audience: issuer.audience })({ sub: 'late' });
          const r = await call(`${app.url}/me`, bearer(token));
          assert.equal(r.status, 200, r.text);
        } finally {
          issuer.keys.pop();
          fresh.close();
          await app.close();
        }
      });
    }
  });

  describe('a verifier that cannot decide answers 503, not 401', () => {
    for (const [name, build] of Object.entries(builders)) {
      test(name, async () => {
        // Nothing listens on port 9 here: the key set never loads.
        const down = createRemoteVerifier({
          jwksUri: 'http://127.0.0.1:9/jwks.json',
          issuer: issuer.url,
          audience: issuer.audience,
          timeoutMs: 500,
        });
        const app = await build(down, {});
        try {
          const r = await call(`${app.url}/me`, bearer(issuer.sign({ sub: 'u' })));
          assert.equal(r.status, 503);
          assert.deepEqual(r.body, { error: 'temporarily_unavailable' });
        } finally {
          await app.close();
        }
      });
    }
  });
});
