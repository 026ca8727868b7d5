import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { after, describe, test } from 'node:test';
import { oneLineError, tempDir, tessera } from './helpers.js';

const tmp = tempDir();
after(() => tmp.remove());

describe('tessera keys generate', () => {
  for (const alg of ['ES256', 'ES384', 'ES512', 'EdDSA', 'RS256', 'PS256']) {
    test(`${alg}: PEM to --out with mode 0600, public JWK on stdout; the pair signs and verifies`, async () => {
      const out = tmp.path(`${alg}.pem`);
      const r = await tessera(['keys', 'generate', '--alg', alg, '--kid', `${alg}-1`, '--out', out]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(statSync(out).mode & 0o777, 0o600);
      assert.match(await readFile(out, 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
      const jwk = JSON.parse(r.stdout);
      assert.equal(jwk.kid, `${alg}-1`);
      assert.equal(jwk.alg, alg);
      assert.equal(jwk.use, 'sig');
      assert.equal(jwk.d, undefined, 'the public JWK must not carry the private member');
      const jwkFile = tmp.file(`${alg}.pub.json`, r.stdout);
      const token = await tessera(['token', 'sign', '--key', out, '--alg', alg, '--kid', `${alg}-1`]);
      assert.equal(token.code, 0, token.stderr);
      const v = await tessera(['token', 'verify', token.stdout.trim(), '--key', jwkFile, '--alg', alg]);
      assert.equal(v.code, 0, v.stdout + v.stderr);
    });
  }

  test('without --out: the private key alone on stdout, the public JWK on stderr', async () => {
    const r = await tessera(['keys', 'generate', '--alg', 'ES256']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^-----BEGIN PRIVATE KEY-----\n[\s\S]*-----END PRIVATE KEY-----\n$/);
    assert.match(r.stderr, /public JWK \(kid [\w-]+\):\n\{/);
  });

  test('--format jwk --json: a private JWK and the public JWK with the same kid', async () => {
    const r = await tessera(['keys', 'generate', '--alg', 'EdDSA', '--format', 'jwk', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.alg, 'EdDSA');
    assert.equal(out.private.kty, 'OKP');
    assert.equal(typeof out.private.d, 'string');
    assert.equal(out.public_jwk.kid, out.kid);
    assert.equal(out.public_jwk.d, undefined);
  });

  test('HS256 makes a base64url secret of 32 bytes that signs and verifies', async () => {
    const out = tmp.path('hs.key');
    const r = await tessera(['keys', 'generate', '--alg', 'HS256', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const secret = (await readFile(out, 'utf8')).trimEnd();
    assert.equal(Buffer.from(secret, 'base64url').length, 32);
    assert.equal(statSync(out).mode & 0o777, 0o600);
    const token = await tessera(['token', 'sign', '--secret-file', out, '--alg', 'HS256']);
    assert.equal(token.code, 0, token.stderr);
    const v = await tessera(['token', 'verify', token.stdout.trim(), '--secret-file', out, '--alg', 'HS256']);
    assert.equal(v.code, 0, v.stdout);
  });

  test('never overwrites an existing file; bad --alg and --format are usage errors', async () => {
    const existing = tmp.file('exists.pem', 'keep me');
    const cases: Array<[string[], RegExp]> = [
      [['--alg', 'ES256', '--out', existing], /cannot write --out .*: the file exists/],
      [['--alg', 'ES257'], /unknown algorithm 'ES257'/],
      [['--alg', 'none'], /--alg none is never accepted/],
      [['--alg', 'ES256', '--format', 'der'], /--format must be pem or jwk/],
      [[], /--alg is required/],
    ];
    for (const [args, message] of cases) {
      const r = await tessera(['keys', 'generate', ...args]);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(oneLineError(r.stderr), message);
    }
    assert.equal(await readFile(existing, 'utf8'), 'keep me');
  });
});
