import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { createSigner, exportJwk, exportJwks, generateKey } from '@tessera/core';
import { pemOf, serveJwks, tempDir, tessera } from './helpers.js';

const tmp = tempDir();
const es = generateKey('ES256', { kid: 'k1' });
const other = generateKey('ES256', { kid: 'k2' });
const rsa = generateKey('RS256', { kid: 'r1' });
const sign = createSigner({ key: es, issuer: 'https://auth.example.com', audience: 'api', ttl: '15m' });
const token = sign({ sub: 'u1', roles: ['dev'] });
const pem = pemOf;

let jwks: { url: string; close(): void };
let jwksUrl = '';

before(async () => {
  jwks = await serveJwks([es, rsa]);
  jwksUrl = jwks.url;
});
after(() => {
  jwks.close();
  tmp.remove();
});

describe('tessera token verify: key forms', () => {
  const cases: Array<[string, () => string[]]> = [
    ['SPKI PEM', () => ['--key', tmp.file('spki.pem', pem(es, 'spki'))]],
    ['PKCS#8 PEM (private key accepted)', () => ['--key', tmp.file('pkcs8.pem', pem(es, 'pkcs8'))]],
    ['SEC1 PEM', () => ['--key', tmp.file('sec1.pem', pem(es, 'sec1'))]],
    ['public JWK', () => ['--key', tmp.file('k1.jwk', JSON.stringify(exportJwk(es)))]],
    ['JWKS via --key', () => ['--key', tmp.file('a.jwks', JSON.stringify(exportJwks([other, es])))]],
    ['JWKS file via --jwks', () => ['--jwks', tmp.file('b.jwks', JSON.stringify(exportJwks([es, other])))]],
    ['JWKS URL via --jwks', () => ['--jwks', jwksUrl]],
  ];
  for (const [name, keyArgs] of cases) {
    test(`${name}: valid token prints its claims, exit 0`, async () => {
      const r = await tessera(['token', 'verify', token, ...keyArgs(), '--alg', 'ES256', '--aud', 'api']);
      assert.equal(r.code, 0, r.stderr + r.stdout);
      const claims = JSON.parse(r.stdout);
      assert.equal(claims.sub, 'u1');
      assert.deepEqual(claims.roles, ['dev']);
    });
  }

  test('an X.509 certificate made by openssl verifies the token its key signed', async () => {
    const made = spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=tessera-test',
      '-keyout',
      tmp.path('cert-key.pem'),
      '-out',
      tmp.path('cert.pem'),
    ]);
    assert.equal(made.status, 0, String(made.stderr));
    const signed = await tessera([
      'token',
      'sign',
      '--key',
      tmp.path('cert-key.pem'),
      '--alg',
      'ES256',
      '--kid',
      'c1',
      '--sub',
      'cert-user',
    ]);
    assert.equal(signed.code, 0, signed.stderr);
    const r = await tessera([
      'token',
      'verify',
      signed.stdout.trim(),
      '--key',
      tmp.path('cert.pem'),
      '--alg',
      'ES256',
    ]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(JSON.parse(r.stdout).sub, 'cert-user');
    // The same token does not verify with another key's certificate material.
    const wrong = await tessera(['token', 'verify', token, '--key', tmp.path('cert.pem'), '--alg', 'ES256']);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stdout, /ERR_JWS_SIGNATURE_INVALID/);
  });

  test('PKCS#1 RSA PEM verifies an RS256 token; --alg lists several algorithms', async () => {
    const rsToken = createSigner({ key: rsa })({ sub: 'r' });
    const key = tmp.file('rsa1.pem', pem(rsa, 'pkcs1'));
    const r = await tessera(['token', 'verify', rsToken, '--key', key, '--alg', 'ES256,RS256']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
  });
});

describe('tessera token verify: outcomes', () => {
  const spki = () => tmp.file('v-spki.pem', pem(es, 'spki'));

  test('reads the token from stdin with -, ignoring surrounding whitespace', async () => {
    const r = await tessera(['token', 'verify', '-', '--key', spki(), '--alg', 'ES256'], {
      stdin: `\n  ${token}  \n\n`,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).sub, 'u1');
  });

  test('--json gives {valid: true, header, payload}', async () => {
    const r = await tessera(['token', 'verify', token, '--key', spki(), '--alg', 'ES256', '--json']);
    assert.equal(r.code, 0);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out), ['valid', 'header', 'payload']);
    assert.equal(out.valid, true);
    assert.equal(out.header.kid, 'k1');
    assert.equal(out.payload.iss, 'https://auth.example.com');
  });

  test('a tampered token exits 1 with ERR_JWS_SIGNATURE_INVALID; --json gives exactly {valid, code}', async () => {
    const [h, p, s] = token.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    payload.roles = ['admin'];
    const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    const r = await tessera(['token', 'verify', forged, '--key', spki(), '--alg', 'ES256', '--json']);
    assert.equal(r.code, 1);
    assert.deepEqual(JSON.parse(r.stdout), { valid: false, code: 'ERR_JWS_SIGNATURE_INVALID' });
    const plain = await tessera(['token', 'verify', forged, '--key', spki(), '--alg', 'ES256']);
    assert.equal(plain.code, 1);
    assert.match(plain.stdout, /^invalid: ERR_JWS_SIGNATURE_INVALID/);
  });

  test('expired, wrong audience, wrong issuer and malformed tokens exit 1 with their codes', async () => {
    const old = createSigner({ key: es, ttl: '5m', now: () => Date.now() - 3_600_000 })({ sub: 'u1' });
    const cases: Array<[string, string[], string]> = [
      [old, [], 'ERR_JWT_EXPIRED'],
      [token, ['--aud', 'other'], 'ERR_JWT_CLAIM_INVALID'],
      [token, ['--iss', 'https://evil.example'], 'ERR_JWT_CLAIM_INVALID'],
      ['not-a-token', [], 'ERR_JWT_MALFORMED'],
    ];
    for (const [t, extra, code] of cases) {
      const r = await tessera(['token', 'verify', t, '--key', spki(), '--alg', 'ES256', ...extra, '--json']);
      assert.equal(r.code, 1, `${code}: ${r.stderr}`);
      assert.deepEqual(JSON.parse(r.stdout), { valid: false, code });
    }
  });

  test('a token whose alg is not in --alg exits 1 with ERR_JOSE_ALG_NOT_ALLOWED', async () => {
    const key = tmp.file('both.jwks', JSON.stringify(exportJwks([es, rsa])));
    const r = await tessera(['token', 'verify', token, '--key', key, '--alg', 'RS256', '--json']);
    assert.equal(r.code, 1);
    assert.deepEqual(JSON.parse(r.stdout), { valid: false, code: 'ERR_JOSE_ALG_NOT_ALLOWED' });
  });

  test('a kid missing from the JWKS exits 1 with ERR_JWKS_NO_MATCHING_KEY', async () => {
    const key = tmp.file('k2.jwks', JSON.stringify(exportJwks([other])));
    const r = await tessera(['token', 'verify', token, '--jwks', key, '--alg', 'ES256', '--json']);
    assert.equal(r.code, 1);
    assert.deepEqual(JSON.parse(r.stdout), { valid: false, code: 'ERR_JWKS_NO_MATCHING_KEY' });
  });

  test('--clock-tolerance lets a just-expired token pass', async () => {
    const justExpired = createSigner({ key: es, ttl: 60, now: () => Date.now() - 100_000 })({ sub: 'u1' });
    const strict = await tessera(['token', 'verify', justExpired, '--key', spki(), '--alg', 'ES256']);
    assert.equal(strict.code, 1);
    const lenient = await tessera([
      'token',
      'verify',
      justExpired,
      '--key',
      spki(),
      '--alg',
      'ES256',
      '--clock-tolerance',
      '120',
    ]);
    assert.equal(lenient.code, 0, lenient.stdout);
  });
});
