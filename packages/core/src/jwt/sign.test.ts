import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generateKey } from '../jwk/generate.js';
import { importKey, publicKeyOf } from '../jwk/import.js';
import { createSigner } from './sign.js';
import { createVerifier } from './verify.js';

const NOW = 1_800_000_000_000;
const now = () => NOW;
const parse = (seg: string) => JSON.parse(Buffer.from(seg, 'base64url').toString());

describe('createSigner', () => {
  test('header {alg, typ: at+jwt, kid}; iss, aud, iat, exp (default 15m), jti added', () => {
    const key = generateKey('ES256', { kid: 'k1' });
    const token = createSigner({ key, issuer: 'https://auth.example.com', audience: 'api', now })({
      sub: 'u1',
      roles: ['dev'],
    });
    const [h, p] = token.split('.') as [string, string];
    assert.deepEqual(parse(h), { alg: 'ES256', typ: 'at+jwt', kid: 'k1' });
    const payload = parse(p);
    assert.equal(payload.iss, 'https://auth.example.com');
    assert.equal(payload.aud, 'api');
    assert.equal(payload.sub, 'u1');
    assert.deepEqual(payload.roles, ['dev']);
    assert.equal(payload.iat, NOW / 1000);
    assert.equal(payload.exp, NOW / 1000 + 900);
    assert.match(payload.jti, /^[A-Za-z0-9_-]{16}$/);
    assert.deepEqual(Object.keys(payload).slice(0, 6), ['iss', 'sub', 'aud', 'exp', 'iat', 'jti']);
  });

  test('jti is fresh per token (96 random bits); overrides set ttl and jti', () => {
    const key = generateKey('HS256');
    const sign = createSigner({ key, ttl: '1h', typ: 'JWT', now });
    const ids = new Set(Array.from({ length: 1000 }, () => parse(sign({}).split('.')[1]!).jti));
    assert.equal(ids.size, 1000);
    const p = parse(sign({ sub: 'x' }, { ttl: 30, jti: 'fixed' }).split('.')[1]!);
    assert.equal(p.jti, 'fixed');
    assert.equal(p.exp - p.iat, 30);
    assert.equal(parse(sign({}).split('.')[0]!).typ, 'JWT');
    assert.equal(parse(sign({}).split('.')[1]!).exp - NOW / 1000, 3600);
  });

  test('array audience is kept as an array; caller claims may set exp', () => {
    const key = generateKey('EdDSA');
    const sign = createSigner({ key, audience: ['a', 'b'], now });
    const p = parse(sign({ exp: NOW / 1000 + 5 }).split('.')[1]!);
    assert.deepEqual(p.aud, ['a', 'b']);
    assert.equal(p.exp, NOW / 1000 + 5);
  });

  test('the default ES256 access token fits the 420-byte budget', () => {
    const key = generateKey('ES256');
    const sign = createSigner({ key, issuer: 'https://auth.example.com', audience: 'api.example.com' });
    const token = sign({ sub: `u_${'a'.repeat(16)}`, sid: 'b'.repeat(16), roles: ['user'] });
    assert.ok(Buffer.byteLength(token) <= 420, `token is ${Buffer.byteLength(token)} bytes`);
    assert.equal(key.kid.length, 16);
    const v = createVerifier({
      keys: publicKeyOf(key),
      algorithms: ['ES256'],
      issuer: 'https://auth.example.com',
      audience: 'api.example.com',
    });
    assert.equal(v(token).payload.sid, 'b'.repeat(16));
  });

  test('signing needs a private or secret key; bad options are TypeErrors with the path', () => {
    const key = generateKey('ES256');
    assert.throws(() => createSigner({ key: publicKeyOf(key) }), /opts\.key/);
    assert.throws(() => createSigner({ key: {} as never }), /opts\.key/);
    assert.throws(() => createSigner({ key, ttl: '15 minutes' }), /opts\.ttl/);
    assert.throws(() => createSigner({ key, issuer: 3 as never }), /opts\.issuer/);
    assert.throws(() => createSigner({ key })([] as never), /claims/);
  });

  test('every algorithm signs what the verifier accepts, with an imported secret too', () => {
    const secret = importKey('0123456789abcdef0123456789abcdef', { alg: 'HS384' });
    const token = createSigner({ key: secret, now })({ sub: 'u1' });
    assert.equal(createVerifier({ keys: secret, algorithms: ['HS384'], now })(token).payload.sub, 'u1');
  });
});
