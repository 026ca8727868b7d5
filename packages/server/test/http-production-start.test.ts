// Production mode refuses to start without a strong master key: `tessera serve` with
// NODE_ENV=production exits 2 and names TESSERA_MASTER_KEY (a real process, a real CLI). Likewise
// with account mail on and no TESSERA_SMTP_URL.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

// Compiled tests run from packages/server/dist/test/.
const BIN = fileURLToPath(new URL('../../../cli/bin/tessera.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tessera-prod-'));

function serve(
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        TESSERA_DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    // A server that did start would never exit: stop it so the assertion below reports it.
    const timer = setTimeout(() => child.kill('SIGTERM'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

describe('production start-up refuses missing or weak secrets', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['a missing master key', {}, /TESSERA_MASTER_KEY.*required/],
    ['a short master key', { TESSERA_MASTER_KEY: 'c2hvcnQ' }, /TESSERA_MASTER_KEY/],
    ['a well-known value', { TESSERA_MASTER_KEY: 'changeme' }, /TESSERA_MASTER_KEY/],
    ['a repeated pattern', { TESSERA_MASTER_KEY: 'a'.repeat(64) }, /TESSERA_MASTER_KEY/],
    [
      'a missing HS secret with an HS algorithm',
      { TESSERA_MASTER_KEY: 'q7Jw0vZ3xN9bT2mK5pR8sL1dF4gH6jY0uC3eA7iO9kM', TESSERA_ALG: 'HS256' },
      /TESSERA_HS_SECRET/,
    ],
  ];
  for (const [name, env, message] of cases) {
    test(`${name}: exit 2 naming the variable`, async () => {
      const { code, stderr } = await serve(env);
      assert.equal(code, 2, stderr);
      assert.match(stderr, message);
      assert.match(stderr, /tessera secret generate/, 'says how to make one');
      if (env.TESSERA_MASTER_KEY)
        assert.equal(stderr.includes(env.TESSERA_MASTER_KEY), false, 'never echoes it');
    });
  }

  test('account mail on without TESSERA_SMTP_URL: exit 2 naming it', async () => {
    const key = { TESSERA_MASTER_KEY: 'q7Jw0vZ3xN9bT2mK5pR8sL1dF4gH6jY0uC3eA7iO9kM' };
    const mailOn: Array<Record<string, string>> = [
      { TESSERA_REQUIRE_EMAIL_VERIFICATION: 'true' },
      { TESSERA_MAIL_FLOWS: 'true' },
    ];
    for (const on of mailOn) {
      const { code, stderr } = await serve({ ...key, ...on });
      assert.equal(code, 2, stderr);
      assert.match(stderr, /configuration error: TESSERA_SMTP_URL: is required when NODE_ENV=production/);
    }
  });
});
