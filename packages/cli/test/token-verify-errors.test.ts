import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createSigner, exportJwk, exportPrivateJwk, generateKey, importKey } from '@tessera/core';
import { oneLineError, pemOf, serveJwks, tempDir, tessera } from './helpers.js';

const tmp = tempDir();
const es = generateKey('ES256', { kid: 'k1' });
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

describe('tessera token verify: HMAC secret files', () => {
  const secret = 'Jq3xV0m9T_fkL2sWn8pZr5yBc1dHg7uA4eKo6iXqY2w';
  const hsToken = createSigner({ key: importKey(Buffer.from(secret), { alg: 'HS256', kid: 'h1' }) })({
    sub: 'hs',
  });

  test('the secret file may end in one newline, which is not part of the secret', async () => {
    const file = tmp.file('secret.txt', `${secret}\n`);
    const r = await tessera(['token', 'verify', hsToken, '--secret-file', file, '--alg', 'HS256']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(JSON.parse(r.stdout).sub, 'hs');
  });

  test('only one newline is dropped: a second one changes the secret', async () => {
    const file = tmp.file('secret2.txt', `${secret}\n\n`);
    const r = await tessera(['token', 'verify', hsToken, '--secret-file', file, '--alg', 'HS256', '--json']);
    assert.equal(r.code, 1);
    assert.deepEqual(JSON.parse(r.stdout), { valid: false, code: 'ERR_JWS_SIGNATURE_INVALID' });
  });

  test('a secret file cannot serve ES256: exit 2', async () => {
    const file = tmp.file('secret3.txt', secret);
    const r = await tessera(['token', 'verify', hsToken, '--secret-file', file, '--alg', 'ES256']);
    assert.equal(r.code, 2);
    assert.match(oneLineError(r.stderr), /holds an HMAC secret; it cannot serve ES256/);
  });
});

describe('tessera token verify: usage and configuration errors exit 2', () => {
  test('an EC key asked to serve RS256', async () => {
    const key = tmp.file('e-spki.pem', pem(es, 'spki'));
    const r = await tessera(['token', 'verify', token, '--key', key, '--alg', 'RS256']);
    assert.equal(r.code, 2);
    assert.match(oneLineError(r.stderr), /^tessera: --key .* cannot serve RS256/);
  });

  test('an RSA public key asked to serve HS256 (no HMAC key from asymmetric material)', async () => {
    const key = tmp.file('r-spki.pem', pem(rsa, 'spki'));
    const r = await tessera(['token', 'verify', token, '--key', key, '--alg', 'HS256']);
    assert.equal(r.code, 2);
    assert.match(oneLineError(r.stderr), /cannot serve HS256/);
  });

  test('a JWK bound to another alg', async () => {
    const key = tmp.file('es.jwk', JSON.stringify(exportJwk(es)));
    const r = await tessera(['token', 'verify', token, '--key', key, '--alg', 'PS256']);
    assert.equal(r.code, 2);
    assert.match(oneLineError(r.stderr), /holds a key for ES256; it cannot serve PS256/);
  });

  test('an unreadable key file, no key, two keys, alg none, bad tolerance, unreachable JWKS URL', async () => {
    const cases: Array<[string[], RegExp]> = [
      [
        ['--key', tmp.path('missing.pem'), '--alg', 'ES256'],
        /cannot read --key .*missing\.pem: no such file/,
      ],
      [['--alg', 'ES256'], /a key is required: give --key, --jwks or --secret-file/],
      [['--key', 'a', '--jwks', 'b', '--alg', 'ES256'], /give only one of --key, --jwks or --secret-file/],
      [['--key', tmp.file('n.jwk', '{}'), '--alg', 'none'], /--alg none is never accepted/],
      [
        ['--key', tmp.file('m.jwk', '{}'), '--alg', 'ES256', '--clock-tolerance', 'soon'],
        /--clock-tolerance must be a number/,
      ],
      [['--jwks', `${jwksUrl}.missing`, '--alg', 'ES256'], /cannot fetch --jwks .*: HTTP 404/],
      [['--key', tmp.file('garbage.txt', 'hello'), '--alg', 'ES256'], /neither a PEM nor a JWK/],
    ];
    for (const [args, message] of cases) {
      const r = await tessera(['token', 'verify', token, ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(oneLineError(r.stderr), message);
    }
  });

  test('no token, or an empty stdin', async () => {
    const key = tmp.file('t-spki.pem', pem(es, 'spki'));
    const none = await tessera(['token', 'verify', '--key', key, '--alg', 'ES256']);
    assert.equal(none.code, 2);
    assert.match(oneLineError(none.stderr), /a token is required/);
    const empty = await tessera(['token', 'verify', '-', '--key', key, '--alg', 'ES256'], { stdin: '  \n' });
    assert.equal(empty.code, 2);
    assert.match(oneLineError(empty.stderr), /stdin held no token/);
  });

  test('a private JWK works as a verification key too (its public half is used)', async () => {
    const key = tmp.file('priv.jwk', JSON.stringify(exportPrivateJwk(es)));
    const r = await tessera(['token', 'verify', token, '--key', key, '--alg', 'ES256']);
    assert.equal(r.code, 0, r.stderr);
  });

  test('an RSA key pair made by node also works in PKCS#1 public form', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = tmp.file('pub-pkcs1.pem', publicKey.export({ type: 'pkcs1', format: 'pem' }));
    const r = await tessera(['token', 'verify', token, '--key', key, '--alg', 'RS256', '--json']);
    // The key is valid RS256 material, the token is ES256: a token problem (exit 1), not usage.
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { valid: false, code: 'ERR_JOSE_ALG_NOT_ALLOWED' });
  });
});
