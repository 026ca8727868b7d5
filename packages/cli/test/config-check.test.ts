// `tessera config check` on a good, a bad and an unsafe-for-production configuration, secrets from
// TESSERA_X_FILE in production, and `tessera serve` logging the same unsafe settings at start-up.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { BIN, oneLineError, tempDir, tessera } from './helpers.js';

const tmp = tempDir('tessera-config-check-');
after(() => tmp.remove());
const MASTER = randomBytes(32).toString('base64url');
// Nothing from the machine running the tests: each case sets what it checks.
const clean = { NODE_ENV: '', TESSERA_CONFIG_FILE: '', TESSERA_DATABASE_URL: `sqlite:${tmp.path('t.db')}` };
const check = (args: string[], env: Record<string, string>) =>
  tessera(['config', 'check', ...args], { env: { ...clean, ...env } });

describe('tessera config check', () => {
  test('development defaults: valid (exit 0), the http issuer listed as unsafe in production', async () => {
    const r = await check([], {});
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /configuration is valid \(development mode\)/);
    assert.match(
      r.stdout,
      /would be unsafe in production \(1\):\n {2}TESSERA_ISSUER is http:\/\/localhost:8080/,
    );
  });

  test('a configuration error exits 2 naming the variable, as serve would', async () => {
    const port = await check([], { TESSERA_PORT: 'eighty' });
    assert.equal(port.code, 2);
    assert.match(oneLineError(port.stderr), /^tessera: configuration error: TESSERA_PORT/);

    const noKey = await check(['--production'], {});
    assert.equal(noKey.code, 2);
    assert.match(oneLineError(noKey.stderr), /TESSERA_MASTER_KEY: is required when NODE_ENV=production/);

    const json = await check(['--json'], { TESSERA_ACCESS_TTL: 'soon' });
    assert.equal(json.code, 2);
    const out = JSON.parse(json.stdout);
    assert.equal(out.ok, false);
    assert.equal(out.error.variable, 'TESSERA_ACCESS_TTL');
  });

  test('production with unsafe settings exits 1 and lists each; secrets are never printed', async () => {
    const env = {
      NODE_ENV: 'production',
      TESSERA_MASTER_KEY: MASTER,
      TESSERA_ISSUER: 'http://auth.example.com',
      TESSERA_COOKIE_SECURE: 'false',
      TESSERA_TRUSTED_PROXIES: '0.0.0.0/0',
    };
    const text = await check([], env);
    assert.equal(text.code, 1, text.stderr);
    assert.match(text.stdout, /unsafe for production \(3\):/);
    const json = await check(['--json'], env);
    assert.equal(json.code, 1);
    const out = JSON.parse(json.stdout);
    assert.equal(out.ok, false);
    assert.equal(out.production, true);
    assert.deepEqual(
      out.unsafe.map((w: { variable: string }) => w.variable),
      ['TESSERA_ISSUER', 'TESSERA_COOKIE_SECURE', 'TESSERA_TRUSTED_PROXIES'],
    );
    assert.ok(!(text.stdout + json.stdout).includes(MASTER));
  });

  test('a safe production configuration with its secrets in TESSERA_X_FILE files: exit 0', async () => {
    const env = {
      NODE_ENV: 'production',
      TESSERA_ISSUER: 'https://auth.example.com',
      TESSERA_MASTER_KEY_FILE: tmp.file('master_key', `${MASTER}\n`),
      TESSERA_DATABASE_URL: '',
      TESSERA_DATABASE_URL_FILE: tmp.file(
        'database_url',
        'postgres://tessera:db-password-42@db.internal:5432/tessera',
      ),
    };
    const r = await check(['--json'], env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.ok, true);
    assert.deepEqual(out.unsafe, []);
    assert.equal(out.summary.masterKey, 'set');
    assert.equal(out.summary.database, 'postgres://db.internal:5432/tessera');
    assert.ok(!r.stdout.includes('db-password-42'));
    assert.ok(!r.stdout.includes(MASTER));
  });

  test('tessera serve in production logs each unsafe setting as a warning at start-up', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], {
      env: {
        ...process.env,
        ...clean,
        NODE_ENV: 'production',
        TESSERA_MASTER_KEY: MASTER,
        TESSERA_ISSUER: 'http://auth.example.com',
        TESSERA_COOKIE_SECURE: 'false',
      },
    });
    let out = '';
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start-up in 60 s:\n${out}`)), 60_000);
        child.stdout.on('data', (chunk) => {
          out += chunk;
          if (/unsafe for production: TESSERA_COOKIE_SECURE/.test(out)) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.stderr.on('data', (chunk) => {
          out += chunk;
        });
        child.on('exit', () => reject(new Error(`exited:\n${out}`)));
      });
    } finally {
      child.kill('SIGTERM');
    }
    const warnings = out
      .split('\n')
      .filter((line) => line.includes('unsafe for production'))
      .map((line) => JSON.parse(line) as { level: string; variable: string });
    assert.deepEqual(
      warnings.map((w) => [w.level, w.variable]),
      [
        ['warn', 'TESSERA_ISSUER'],
        ['warn', 'TESSERA_COOKIE_SECURE'],
      ],
    );
  });
});
