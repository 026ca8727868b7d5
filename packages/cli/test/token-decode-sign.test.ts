import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { exportJwk, exportPrivateJwk, generateKey } from '@tessera/core';
import { oneLineError, tempDir, tessera } from './helpers.js';

const tmp = tempDir();
after(() => tmp.remove());
const ed = generateKey('EdDSA', { kid: 'ed1' });
const privatePem = tmp.file('ed.pem', String(ed.keyObject.export({ type: 'pkcs8', format: 'pem' })));
const publicJwk = tmp.file('ed.pub.json', JSON.stringify(exportJwk(ed)));

async function signed(...args: string[]): Promise<string> {
  const r = await tessera(['token', 'sign', '--key', privatePem, '--alg', 'EdDSA', ...args]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim();
}
const part = (token: string, i: number) =>
  JSON.parse(Buffer.from(token.split('.')[i]!, 'base64url').toString());

describe('tessera token sign', () => {
  test('adds iat, exp (from --ttl) and jti, and the given claims', async () => {
    const token = await signed(
      '--kid',
      'ed1',
      '--iss',
      'https://a.example',
      '--aud',
      'api',
      '--sub',
      'u1',
      '--ttl',
      '1h',
      '--claim',
      'roles=["admin"]',
      '--claim',
      'plan=pro',
      '--claim',
      'n=3',
      '--claims',
      '{"plan":"free","x":true}',
    );
    const header = part(token, 0);
    const payload = part(token, 1);
    assert.deepEqual(header, { alg: 'EdDSA', typ: 'at+jwt', kid: 'ed1' });
    assert.equal(payload.iss, 'https://a.example');
    assert.equal(payload.aud, 'api');
    assert.equal(payload.sub, 'u1');
    assert.deepEqual(payload.roles, ['admin']);
    assert.equal(payload.plan, 'pro');
    assert.equal(payload.n, 3);
    assert.equal(payload.x, true);
    assert.equal(payload.exp - payload.iat, 3600);
    assert.equal(typeof payload.jti, 'string');
    const verified = await tessera([
      'token',
      'verify',
      token,
      '--key',
      publicJwk,
      '--alg',
      'EdDSA',
      '--aud',
      'api',
    ]);
    assert.equal(verified.code, 0, verified.stdout);
  });

  test('--aud repeated gives an array; --json gives {token, header, payload}', async () => {
    const r = await tessera([
      'token',
      'sign',
      '--key',
      privatePem,
      '--alg',
      'EdDSA',
      '--aud',
      'a',
      '--aud',
      'b',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out), ['token', 'header', 'payload']);
    assert.deepEqual(out.payload.aud, ['a', 'b']);
    assert.deepEqual(part(out.token, 1), out.payload);
  });

  test('signs with a private JWK and with an HMAC secret file', async () => {
    const jwk = tmp.file('ed.jwk', JSON.stringify(exportPrivateJwk(ed)));
    const r = await tessera(['token', 'sign', '--key', jwk, '--alg', 'EdDSA', '--sub', 'j']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(part(r.stdout.trim(), 0).kid, 'ed1');
    const secret = tmp.file('hs.txt', 'Jq3xV0m9T_fkL2sWn8pZr5yBc1dHg7uA4eKo6iXqY2w\n');
    const hs = await tessera(['token', 'sign', '--secret-file', secret, '--alg', 'HS256', '--kid', 'h']);
    assert.equal(hs.code, 0, hs.stderr);
    const v = await tessera(['token', 'verify', hs.stdout.trim(), '--secret-file', secret, '--alg', 'HS256']);
    assert.equal(v.code, 0, v.stdout);
  });

  test('usage errors exit 2: public key, bad ttl, bad claim, bad --claims, missing key', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--key', publicJwk, '--alg', 'EdDSA'], /holds a public key; signing needs the private key/],
      [['--key', privatePem, '--alg', 'EdDSA', '--ttl', 'soon'], /--ttl must be a positive duration/],
      [['--key', privatePem, '--alg', 'EdDSA', '--claim', 'novalue'], /--claim must look like NAME=VALUE/],
      [['--key', privatePem, '--alg', 'EdDSA', '--claims', '[1]'], /--claims must be a JSON object/],
      [['--alg', 'EdDSA'], /a key is required: give --key or --secret-file/],
      [['--key', privatePem, '--alg', 'ES256'], /cannot serve ES256/],
      [['--key', privatePem], /--alg is required/],
    ];
    for (const [args, message] of cases) {
      const r = await tessera(['token', 'sign', ...args]);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(oneLineError(r.stderr), message);
    }
  });
});

describe('tessera token decode', () => {
  test('prints header, payload, readable dates, and says the signature is not verified', async () => {
    const token = await signed('--kid', 'ed1', '--sub', 'u1');
    const r = await tessera(['token', 'decode', token]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Header:\n\{\n {2}"alg": "EdDSA"/);
    assert.match(r.stdout, /Payload:\n\{[^}]*"sub": "u1"/);
    assert.match(r.stdout, /exp +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(in 1[45] minutes\)/);
    assert.match(r.stdout, /Signature: 64 bytes, NOT verified/);
  });

  test('--json and stdin', async () => {
    const token = await signed('--kid', 'ed1', '--sub', 'u2');
    const r = await tessera(['token', 'decode', '-', '--json'], { stdin: ` ${token}\n` });
    assert.equal(r.code, 0);
    const out = JSON.parse(r.stdout);
    assert.equal(out.verified, false);
    assert.equal(out.header.kid, 'ed1');
    assert.equal(out.payload.sub, 'u2');
    assert.equal(out.dates.exp, new Date(out.payload.exp * 1000).toISOString());
  });

  test('a malformed token exits 1 with its code; a forged one still decodes (no verification)', async () => {
    const r = await tessera(['token', 'decode', 'a.b', '--json']);
    assert.equal(r.code, 1);
    assert.deepEqual(JSON.parse(r.stdout), { valid: false, code: 'ERR_JWT_MALFORMED' });
    const forged = `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.${Buffer.from('{"sub":"x"}').toString('base64url')}.AAAA`;
    const d = await tessera(['token', 'decode', forged]);
    assert.equal(d.code, 0);
    const missing = await tessera(['token', 'decode']);
    assert.equal(missing.code, 2);
  });
});
