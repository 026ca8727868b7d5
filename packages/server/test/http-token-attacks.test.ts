// /v1/me over real HTTP refuses forged tokens: signed by a foreign key (even with the server's kid),
// alg "none" in any spelling, HS256 keyed with the server's public key, a tampered payload: each
// is a 401 with `WWW-Authenticate: Bearer error="invalid_token"`.
import assert from 'node:assert/strict';
import { createHmac, createPublicKey } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createSigner, generateKey } from '@tessera/core';
import {
  registerAndLogin,
  request,
  startTestServer,
  TEST_ISSUER,
  type TestServer,
} from './support/server-harness.js';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('/v1/me refuses forged tokens', () => {
  let t: TestServer;
  let good: string;
  let kid: string;
  let claims: Record<string, unknown>;
  before(async () => {
    t = await startTestServer();
    const user = await registerAndLogin(t.url);
    good = user.accessToken;
    const [h, p] = good.split('.') as [string, string];
    kid = JSON.parse(Buffer.from(h, 'base64url').toString()).kid;
    claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  });
  after(async () => {
    await t.stop(true);
  });

  async function assertRefused(token: string): Promise<void> {
    const res = await request(t.url, 'GET', '/v1/me', { token });
    assert.equal(res.status, 401, `expected 401, got ${res.status} ${res.text}`);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer error="invalid_token"');
    assert.equal(res.body.error, 'invalid_token');
  }

  test('the genuine token is accepted (control)', async () => {
    assert.equal((await request(t.url, 'GET', '/v1/me', { token: good })).status, 200);
    // The scheme name is case-insensitive (RFC 6750 / RFC 9110).
    const lower = await request(t.url, 'GET', '/v1/me', { headers: { authorization: `bearer ${good}` } });
    assert.equal(lower.status, 200);
  });

  test('a token signed by a foreign key, even carrying the server’s kid', async () => {
    const foreign = generateKey('ES256', { kid });
    const sign = createSigner({ key: foreign, issuer: TEST_ISSUER, audience: 'tessera' });
    await assertRefused(sign({ sub: claims.sub, sid: claims.sid, roles: ['admin'] }));
    const other = createSigner({ key: generateKey('ES256'), issuer: TEST_ISSUER, audience: 'tessera' });
    await assertRefused(other({ sub: claims.sub, sid: claims.sid }));
  });

  test('alg none, in any spelling, with or without a signature', async () => {
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      const unsigned = `${b64({ alg, typ: 'at+jwt', kid })}.${b64({ ...claims, roles: ['admin'] })}`;
      await assertRefused(`${unsigned}.`);
      await assertRefused(`${unsigned}.${good.split('.')[2]}`);
    }
  });

  test('HS256 keyed with the server’s public key (PEM, DER and JWK forms)', async () => {
    const jwk = t.server.ctx.services.keys.jwks().keys.find((k) => (k as { kid?: string }).kid === kid);
    assert.ok(jwk, 'the signing key is published');
    const publicKey = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
    const secrets: Array<string | Buffer> = [
      publicKey.export({ type: 'spki', format: 'pem' }) as string,
      publicKey.export({ type: 'spki', format: 'der' }) as Buffer,
      JSON.stringify(jwk),
    ];
    for (const secret of secrets) {
      for (const alg of ['HS256', 'HS384', 'HS512']) {
        const input = `${b64({ alg, typ: 'at+jwt', kid })}.${b64(claims)}`;
        const hash = `sha${alg.slice(2)}`;
        const mac = createHmac(hash, secret).update(input).digest('base64url');
        await assertRefused(`${input}.${mac}`);
      }
    }
  });

  test('a tampered payload (roles or exp changed) and garbage', async () => {
    const [h, , s] = good.split('.') as [string, string, string];
    await assertRefused(`${h}.${b64({ ...claims, roles: ['admin'] })}.${s}`);
    await assertRefused(`${h}.${b64({ ...claims, exp: (claims.exp as number) + 86400 })}.${s}`);
    for (const garbage of ['abc', 'a.b.c', `${good}x`, 'x'.repeat(9000), `${h}.${h}`])
      await assertRefused(garbage);
  });

  test('a missing or non-Bearer Authorization is 401 with a bare Bearer challenge', async () => {
    const none = await request(t.url, 'GET', '/v1/me');
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer');
    const basic = await request(t.url, 'GET', '/v1/me', { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    assert.equal(basic.status, 401);
    assert.match(basic.headers.get('www-authenticate') ?? '', /^Bearer/);
  });
});
