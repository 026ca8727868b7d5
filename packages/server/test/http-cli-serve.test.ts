// `tessera migrate` and `tessera serve` as real processes in an empty directory, the way `npm start`
// runs on a fresh clone: defaults only, SQLite under ./.tessera/, graceful exit on SIGTERM.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../cli/bin/tessera.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-serve-'));
const env = { PATH: process.env.PATH ?? '', HOME: dir };

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: dir,
      env,
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
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Resolves with the URL from the "tessera listening" log line. */
function listening(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${buffer}`)), 60_000);
    child.stdout?.on('data', (d) => {
      buffer += d;
      const m = /"url":"(http:\/\/[^"]+)".*"msg":"tessera listening"/.exec(buffer);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('close', (code) => reject(new Error(`serve exited with ${code}: ${buffer}`)));
  });
}

describe('tessera migrate and tessera serve with defaults', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('migrate applies the migrations once, into ./.tessera/tessera.db', async () => {
    const first = await run(['migrate', '--json']);
    assert.equal(first.code, 0, first.stderr);
    assert.ok(JSON.parse(first.stdout).applied.length >= 1);
    assert.ok(existsSync(join(dir, '.tessera', 'tessera.db')));
    const second = await run(['migrate', '--json']);
    assert.equal(second.code, 0);
    assert.deepEqual(JSON.parse(second.stdout), { applied: [] });
  });

  test('serve starts on the defaults, answers, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const url = await listening(child);
      const me = await fetch(`${url}/v1/me`);
      assert.equal(me.status, 401);
      assert.equal(me.headers.get('www-authenticate'), 'Bearer');
      const login = await fetch(`${url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'nobody@example.com', password: 'some password 1' }),
      });
      assert.equal(login.status, 401);
      assert.match(stdout, /development master key/, 'warns about the development master key');
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
    assert.match(stdout, /shutting down/);
  });
});
