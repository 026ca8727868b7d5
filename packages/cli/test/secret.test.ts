import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { oneLineError, tempDir, tessera } from './helpers.js';

const tmp = tempDir();
after(() => tmp.remove());

describe('tessera secret generate', () => {
  test('32 random bytes as base64url by default, different every time', async () => {
    const a = await tessera(['secret', 'generate']);
    const b = await tessera(['secret', 'generate']);
    assert.equal(a.code, 0);
    assert.match(a.stdout, /^[A-Za-z0-9_-]{43}\n$/);
    assert.notEqual(a.stdout, b.stdout);
  });

  test('--bytes and --encoding, and --json', async () => {
    const hex = await tessera(['secret', 'generate', '--bytes', '48', '--encoding', 'hex']);
    assert.match(hex.stdout, /^[0-9a-f]{96}\n$/);
    const json = await tessera(['secret', 'generate', '--encoding', 'base64', '--json']);
    const out = JSON.parse(json.stdout);
    assert.equal(out.bytes, 32);
    assert.equal(out.encoding, 'base64');
    assert.equal(Buffer.from(out.secret, 'base64').length, 32);
  });

  test('bad values are usage errors', async () => {
    for (const args of [['--bytes', 'many'], ['--bytes', '0'], ['--encoding', 'rot13'], ['extra']]) {
      const r = await tessera(['secret', 'generate', ...args]);
      assert.equal(r.code, 2, args.join(' '));
      oneLineError(r.stderr);
    }
  });
});

describe('tessera secret check', () => {
  test('a generated secret is strong (exit 0), from stdin, --file and argument', async () => {
    const secret = (await tessera(['secret', 'generate'])).stdout;
    const stdin = await tessera(['secret', 'check', '-'], { stdin: secret });
    assert.equal(stdin.code, 0, stdin.stdout);
    assert.match(stdin.stdout, /^strong/);
    const file = await tessera(['secret', 'check', '--file', tmp.file('s.txt', secret), '--json']);
    assert.equal(file.code, 0);
    assert.deepEqual(JSON.parse(file.stdout), { ok: true, reasons: [] });
    // After --, so that a secret starting with '-' (1 in 64 base64url secrets) is not an option.
    const arg = await tessera(['secret', 'check', '--', secret.trim()]);
    assert.equal(arg.code, 0, arg.stderr);
    const hex = (await tessera(['secret', 'generate', '--encoding', 'hex'])).stdout;
    assert.equal((await tessera(['secret', 'check', '-'], { stdin: hex })).code, 0);
  });

  test("a value starting with '-' is checked after --; without it, the error says so", async () => {
    const dashed = `-Z${randomBytes(32).toString('base64url')}`;
    const after = await tessera(['secret', 'check', '--', dashed]);
    assert.equal(after.code, 0, after.stderr);
    const bare = await tessera(['secret', 'check', dashed]);
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /unknown option -Z… \(a value that starts with '-' goes after --\)/);
    // A value starting with '--' is not echoed either (beyond its first character).
    const doubled = await tessera(['secret', 'check', `-${dashed}`]);
    assert.equal(doubled.code, 2);
    for (const r of [bare, doubled]) assert.ok(!r.stderr.includes(dashed.slice(2, 12)), r.stderr);
  });

  test('weak values exit 1 with reasons, and a secret is never echoed', async () => {
    const weak = [
      'secret',
      'password123',
      'changeme',
      'your-256-bit-secret',
      'jwt_secret',
      'changeme'.repeat(8),
    ];
    for (const value of weak) {
      const r = await tessera(['secret', 'check', '-', '--json'], { stdin: `${value}\n` });
      assert.equal(r.code, 1, value);
      const out = JSON.parse(r.stdout);
      assert.equal(out.ok, false);
      assert.ok(out.reasons.length > 0);
    }
    const secretLike = 'Zx9Zx9Zx9Zx9Zx9Zx9Zx9Zx9Zx9Zx9Zx9Zx9Zx9Zx9Zx9';
    const quoted = await tessera(['secret', 'check', secretLike]);
    assert.equal(quoted.code, 1);
    assert.ok(!quoted.stdout.includes('Zx9Zx9'), quoted.stdout);
    const plain = await tessera(['secret', 'check', 'short']);
    assert.equal(plain.code, 1);
    assert.match(plain.stdout, /^weak:\n {2}- shorter than 32 bytes: 5 bytes of raw material/);
  });

  test('binary files are judged as raw bytes', async () => {
    const zeros = tmp.file('zeros.bin', Buffer.alloc(64));
    const r = await tessera(['secret', 'check', '--file', zeros, '--json']);
    assert.equal(r.code, 1);
    assert.match(JSON.parse(r.stdout).reasons.join(' '), /repeats a pattern of 1 character/);
  });

  test('no secret, both sources, or an unreadable file: exit 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /a secret is required/],
      [['x', '--file', 'y'], /give the secret or --file, not both/],
      [['--file', tmp.path('nope')], /cannot read --file .*nope: no such file/],
    ];
    for (const [args, message] of cases) {
      const r = await tessera(['secret', 'check', ...args]);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(oneLineError(r.stderr), message);
    }
  });
});
