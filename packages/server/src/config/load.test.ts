import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError } from './config.js';
import { loadConfig } from './load.js';

const STRONG = 'q7Jw0vZ3xN9bT2mK5pR8sL1dF4gH6jY0uC3eA7iO9kM';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err;
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  test('defaults serve a developer on one machine', () => {
    const c = loadConfig({});
    assert.equal(c.port, 8080);
    assert.equal(c.issuer, 'http://localhost:8080');
    assert.equal(c.audience, 'tessera');
    assert.equal(c.alg, 'ES256');
    assert.equal(c.accessTtl, 900);
    assert.equal(c.refreshTtl, 7 * 86400);
    assert.equal(c.sessionMaxAge, 30 * 86400);
    assert.equal(c.reuseInterval, 10);
    assert.equal(c.databaseUrl, 'sqlite:./.tessera/tessera.db');
    assert.equal(c.cookieSecure, true);
    assert.equal(c.registration, true);
    assert.deepEqual(c.limits.loginAccount, { points: 5, durationSec: 900 });
    assert.deepEqual(c.limits.loginIp, { points: 100, durationSec: 900 });
    assert.deepEqual(c.limits.refreshIp, { points: 600, durationSec: 900 });
    assert.deepEqual(c.trustedProxies, []);
    assert.equal(c.bodyLimit, 65536);
    assert.equal(c.production, false);
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.limits));
  });

  test('the issuer default follows the port; values are parsed', () => {
    const c = loadConfig({
      TESSERA_PORT: '9000',
      TESSERA_ACCESS_TTL: '5m',
      TESSERA_REFRESH_TTL: '86400',
      TESSERA_COOKIE_SECURE: 'false',
      TESSERA_REGISTRATION: 'false',
      TESSERA_ALLOWED_ORIGINS: 'https://app.example.com, http://localhost:3000/',
      TESSERA_TRUSTED_PROXIES: '10.0.0.0/8,::1',
      TESSERA_LOGIN_LIMIT_ACCOUNT: '3/1h',
    });
    assert.equal(c.issuer, 'http://localhost:9000');
    assert.equal(c.accessTtl, 300);
    assert.equal(c.refreshTtl, 86400);
    assert.equal(c.cookieSecure, false);
    assert.equal(c.registration, false);
    assert.deepEqual(c.allowedOrigins, ['https://app.example.com', 'http://localhost:3000']);
    assert.deepEqual(c.trustedProxies, ['10.0.0.0/8', '::1']);
    assert.deepEqual(c.limits.loginAccount, { points: 3, durationSec: 3600 });
  });

  test('every bad value names its variable', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ TESSERA_PORT: 'eighty' }, 'TESSERA_PORT'],
      [{ TESSERA_PORT: '70000' }, 'TESSERA_PORT'],
      [{ TESSERA_ACCESS_TTL: 'soon' }, 'TESSERA_ACCESS_TTL'],
      [{ TESSERA_ALG: 'none' }, 'TESSERA_ALG'],
      [{ TESSERA_ISSUER: 'not a url' }, 'TESSERA_ISSUER'],
      [{ TESSERA_LOGIN_LIMIT_IP: 'lots' }, 'TESSERA_LOGIN_LIMIT_IP'],
      [{ TESSERA_LOGIN_LIMIT_ACCOUNT: '0/15m' }, 'TESSERA_LOGIN_LIMIT_ACCOUNT'],
      [{ TESSERA_TRUSTED_PROXIES: '10.0.0.0/40' }, 'TESSERA_TRUSTED_PROXIES'],
      [{ TESSERA_ALLOWED_ORIGINS: 'https://app.example.com/path' }, 'TESSERA_ALLOWED_ORIGINS'],
      [{ TESSERA_COOKIE_SECURE: 'maybe' }, 'TESSERA_COOKIE_SECURE'],
      [{ TESSERA_LOG_LEVEL: 'loud' }, 'TESSERA_LOG_LEVEL'],
      [{ TESSERA_BOOTSTRAP_ADMIN_EMAIL: 'admin@example.com' }, 'TESSERA_BOOTSTRAP_ADMIN_PASSWORD'],
      [{ TESSERA_REFRESH_TTL: '60d' }, 'TESSERA_REFRESH_TTL'],
      [{ TESSERA_DATABASE_URL: 'mysql://db/tessera' }, 'TESSERA_DATABASE_URL'],
      [{ TESSERA_DATABASE_URL: './tessera.db' }, 'TESSERA_DATABASE_URL'],
    ];
    for (const [env, variable] of cases) {
      const err = configError(env);
      assert.equal(err.variable, variable, JSON.stringify(env));
      assert.ok(err.message.startsWith(`${variable}: `), err.message);
    }
  });

  test('production requires a strong master key and says what to set', () => {
    for (const key of [undefined, 'changeme', 'A'.repeat(44)]) {
      const env: Record<string, string> = { NODE_ENV: 'production' };
      if (key !== undefined) env.TESSERA_MASTER_KEY = key;
      const err = configError(env);
      assert.equal(err.variable, 'TESSERA_MASTER_KEY');
      assert.match(err.message, /tessera secret generate/);
      if (key !== undefined) assert.equal(err.message.includes(key), false, 'never echoes the key');
    }
    assert.equal(loadConfig({ NODE_ENV: 'production', TESSERA_MASTER_KEY: STRONG }).production, true);
  });

  test('production with an HS algorithm requires a strong TESSERA_HS_SECRET', () => {
    const base = { NODE_ENV: 'production', TESSERA_MASTER_KEY: STRONG, TESSERA_ALG: 'HS256' };
    assert.equal(configError(base).variable, 'TESSERA_HS_SECRET');
    assert.equal(
      configError({ ...base, TESSERA_HS_SECRET: 'your-256-bit-secret' }).variable,
      'TESSERA_HS_SECRET',
    );
    assert.equal(
      loadConfig({ ...base, TESSERA_HS_SECRET: STRONG.split('').reverse().join('') }).alg,
      'HS256',
    );
  });

  test('an optional JSON config file, overridden by the environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-config-'));
    const file = join(dir, 'tessera.json');
    writeFileSync(file, JSON.stringify({ TESSERA_AUDIENCE: 'api.example.com', TESSERA_PORT: 7000 }));
    const c = loadConfig({ TESSERA_CONFIG_FILE: file, TESSERA_PORT: '7001' });
    assert.equal(c.audience, 'api.example.com');
    assert.equal(c.port, 7001);
    writeFileSync(file, JSON.stringify({ PORT: 1 }));
    assert.equal(configError({ TESSERA_CONFIG_FILE: file }).variable, 'TESSERA_CONFIG_FILE');
  });

  test('a config file that fails to parse is not quoted in the error (it holds secrets)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-config-'));
    const file = join(dir, 'tessera.json');
    const secret = 'Zq8sn3VjK0pW7rXc2mTb9yLd4hGf6aEu';
    // Each file breaks differently, so V8's messages differ: some would quote the text around the error.
    const broken = [
      `{\n  "TESSERA_HS_SECRET": "${secret}" oops\n}`,
      `${secret}`,
      `{"TESSERA_HS_SECRET": ${secret}}`,
      `{\n"TESSERA_MASTER_KEY": "${secret}",\n}`,
      `{"TESSERA_HS_SECRET": "${secret}`,
    ];
    for (const text of broken) {
      writeFileSync(file, text);
      const err = configError({ TESSERA_CONFIG_FILE: file });
      assert.equal(err.variable, 'TESSERA_CONFIG_FILE');
      assert.match(err.message, /is not valid JSON/);
      for (const piece of [secret, secret.slice(0, 8), secret.slice(-8)]) {
        assert.ok(!err.message.includes(piece), `message quotes the file: ${err.message}`);
      }
    }
    writeFileSync(file, `{\n  "TESSERA_HS_SECRET": "${secret}" oops\n}`);
    assert.match(configError({ TESSERA_CONFIG_FILE: file }).message, /line 2, column \d+/);
  });

  test('secrets from TESSERA_X_FILE in production (Docker and Kubernetes secrets)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-secrets-'));
    const write = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const hs = STRONG.split('').reverse().join('');
    const env = {
      NODE_ENV: 'production',
      TESSERA_ALG: 'HS256',
      TESSERA_MASTER_KEY_FILE: write('master_key', `${STRONG}\n`),
      TESSERA_HS_SECRET_FILE: write('hs_secret', hs),
      TESSERA_DATABASE_URL_FILE: write('database_url', 'postgres://tessera:pw@db:5432/tessera\n'),
      TESSERA_METRICS_TOKEN_FILE: write('metrics_token', 'metrics-token-from-a-file'),
    };
    const c = loadConfig(env);
    assert.equal(c.production, true);
    assert.equal(c.masterKey, STRONG, 'trailing newline removed');
    assert.equal(c.hsSecret, hs);
    assert.equal(c.databaseUrl, 'postgres://tessera:pw@db:5432/tessera');
    assert.equal(c.metricsToken, 'metrics-token-from-a-file');

    // Both forms at once is ambiguous; a missing or empty file names the variable, never contents.
    const both = configError({ ...env, TESSERA_HS_SECRET: hs });
    assert.equal(both.variable, 'TESSERA_HS_SECRET_FILE');
    const missing = configError({ ...env, TESSERA_MASTER_KEY_FILE: join(dir, 'absent') });
    assert.equal(missing.variable, 'TESSERA_MASTER_KEY_FILE');
    assert.match(missing.message, /ENOENT/);
    const empty = configError({ ...env, TESSERA_HS_SECRET_FILE: write('blank', '\n') });
    assert.equal(empty.variable, 'TESSERA_HS_SECRET_FILE');
    const weak = configError({ ...env, TESSERA_HS_SECRET_FILE: write('weak', 'your-256-bit-secret') });
    assert.equal(weak.variable, 'TESSERA_HS_SECRET');
    assert.ok(!weak.message.includes('your-256-bit-secret'));
  });

  test('development: a TESSERA_MASTER_KEY_FILE that does not exist yet is left for the server to create', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-secrets-'));
    const c = loadConfig({ TESSERA_MASTER_KEY_FILE: join(dir, 'master.key') });
    assert.equal(c.masterKey, undefined);
    assert.equal(c.masterKeyFile, join(dir, 'master.key'));
  });
});
