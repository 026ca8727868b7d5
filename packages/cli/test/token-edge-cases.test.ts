import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { createSigner, exportJwks, generateKey } from '@tessera/core';
import { oneLineError, tempDir, tessera } from './helpers.js';

const tmp = tempDir();
after(() => tmp.remove());
const k1 = generateKey('ES256', { kid: 'k1' });
const jwks = tmp.file('jwks.json', JSON.stringify(exportJwks([k1])));
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('tessera token: hostile and odd tokens', () => {
  test('alg "none" is refused by verify (exit 1) and explained', async () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    const token = `${b64({ alg: 'none', kid: 'k1' })}.${b64({ sub: 'x', exp })}.AAAA`;
    const r = await tessera(['token', 'verify', token, '--jwks', jwks, '--alg', 'ES256', '--json']);
    assert.equal(r.code, 1);
    assert.deepEqual(JSON.parse(r.stdout), { valid: false, code: 'ERR_JOSE_ALG_NOT_ALLOWED' });
    const e = await tessera(['token', 'explain', token, '--jwks', jwks, '--alg', 'ES256']);
    assert.equal(e.code, 1);
    assert.match(e.stdout, /FAIL {2}alg +alg "none" is never accepted/);
  });

  test('a token over 8 KiB is rejected as too large before decoding', async () => {
    const token = createSigner({ key: k1 })({ sub: 'x', pad: 'a'.repeat(9000) });
    const r = await tessera(['token', 'verify', '-', '--jwks', jwks, '--alg', 'ES256', '--json'], {
      stdin: token,
    });
    assert.equal(r.code, 1);
    assert.deepEqual(JSON.parse(r.stdout), { valid: false, code: 'ERR_JWT_TOO_LARGE' });
    const d = await tessera(['token', 'decode', '-'], { stdin: token });
    assert.equal(d.code, 1);
    assert.match(d.stdout, /ERR_JWT_TOO_LARGE/);
  });

  test('a crit header is refused, and explain names it', async () => {
    const signer = createSigner({ key: k1 });
    const good = signer({ sub: 'x' });
    const [, p, s] = good.split('.');
    const token = `${b64({ alg: 'ES256', kid: 'k1', crit: ['exp'], exp: 1 })}.${p}.${s}`;
    const r = await tessera(['token', 'explain', token, '--jwks', jwks, '--alg', 'ES256', '--json']);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout);
    assert.equal(out.code, 'ERR_JOSE_HEADER_INVALID');
    assert.match(
      out.checks.find((c: { name: string }) => c.name === 'header').message,
      /crit names \["exp"\]/,
    );
  });

  test('--jwks URL that never answers: exit 2 after the 5 s timeout, one line', async () => {
    const server = createServer(() => {
      // Never responds: the CLI must give up on its own.
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
      const r = await tessera(['token', 'verify', 'a.b.c', '--jwks', url, '--alg', 'ES256']);
      assert.equal(r.code, 2);
      assert.match(oneLineError(r.stderr), /cannot fetch --jwks .*: no answer within 5 s/);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  test('--jwks URL with nothing listening: exit 2 naming the connection error', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const r = await tessera([
      'token',
      'verify',
      'a.b.c',
      '--jwks',
      `http://127.0.0.1:${port}/`,
      '--alg',
      'ES256',
    ]);
    assert.equal(r.code, 2);
    assert.match(oneLineError(r.stderr), /cannot fetch --jwks .*: ECONNREFUSED/);
  });
});
