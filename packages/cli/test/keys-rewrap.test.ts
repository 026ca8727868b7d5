// `tessera keys rewrap` as an operator runs it: the real launcher (child process) against the
// database of a real server that keeps serving meanwhile, on SQLite and on PostgreSQL. The switch
// follows the documented procedure: the new master key is current with the old one as previous,
// rewrap, then the old key is dropped and the server must still start and sign.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import {
  createStores,
  isSealedUnder,
  loadConfig,
  masterKeyId,
  type RunningServer,
  startServer,
} from '@tessera/server';
import pg from 'pg';
import { oneLineError, tempDir, tessera } from './helpers.js';

const PASSWORD = 'correct horse battery 42';
const tmp = tempDir('tessera-rewrap-');
after(() => tmp.remove());

const key = () => randomBytes(32).toString('base64url');

async function serve(databaseUrl: string, env: Record<string, string>): Promise<RunningServer> {
  const config = loadConfig({
    TESSERA_HOST: '127.0.0.1',
    TESSERA_PORT: '0',
    TESSERA_DATABASE_URL: databaseUrl,
    TESSERA_LOG_LEVEL: 'silent',
    ...env,
  });
  return startServer(config, { cwd: tmp.path('.') });
}

async function post(
  base: string,
  path: string,
  body: unknown,
): Promise<{ status: number; json: { access_token?: string } }> {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json().catch(() => ({})) };
}

async function login(base: string, email: string): Promise<string> {
  const res = await post(base, '/v1/auth/login', { email, password: PASSWORD });
  assert.equal(res.status, 200, JSON.stringify(res.json));
  return String(res.json.access_token);
}

async function me(base: string, token: string): Promise<number> {
  return (await fetch(`${base}/v1/me`, { headers: { authorization: `Bearer ${token}` } })).status;
}

async function sealedRows(databaseUrl: string): Promise<Array<{ kid: string; privateKeyEnc: string }>> {
  const stores = await createStores({ databaseUrl });
  try {
    return await stores.keys.list();
  } finally {
    await stores.close();
  }
}

async function switchMasterKey(databaseUrl: string): Promise<void> {
  const oldKey = key();
  const newKey = key();
  const cli = (args: string[], env: Record<string, string>) =>
    tessera(args, { env: { TESSERA_DATABASE_URL: databaseUrl, ...env } });

  // Before: a server on the old key, two keys in the keyring, a user with a live token.
  const before = await serve(databaseUrl, { TESSERA_MASTER_KEY: oldKey });
  assert.equal(
    (await post(before.url, '/v1/auth/register', { email: 'ops@example.com', password: PASSWORD })).status,
    201,
  );
  await before.ctx.services.keys.rotateNow('test');
  const oldToken = await login(before.url, 'ops@example.com');
  await before.close();
  const kids = (await sealedRows(databaseUrl)).map((r) => r.kid);
  assert.ok(kids.length >= 2, 'at least two stored keys');

  // Without the old key, the new one alone cannot open the keyring: that is why rewrap exists.
  await assert.rejects(serve(databaseUrl, { TESSERA_MASTER_KEY: newKey }), /different master key/);

  // The switch: new key current, old key previous. The server starts and serves the old token.
  const during = await serve(databaseUrl, {
    TESSERA_MASTER_KEY: newKey,
    TESSERA_MASTER_KEY_PREVIOUS: oldKey,
  });
  try {
    assert.equal(await me(during.url, oldToken), 200);
    // No downtime: requests keep succeeding while the rewrap runs against the same database.
    let stop = false;
    const statuses: number[] = [];
    const traffic = (async () => {
      while (!stop) {
        statuses.push(await me(during.url, oldToken));
        statuses.push((await fetch(`${during.url}/.well-known/jwks.json`)).status);
      }
    })();
    const rewrap = await cli(['keys', 'rewrap', '--json'], {
      TESSERA_MASTER_KEY: newKey,
      TESSERA_MASTER_KEY_PREVIOUS: oldKey,
    });
    const freshLogin = await login(during.url, 'ops@example.com');
    stop = true;
    await traffic;
    assert.equal(rewrap.code, 0, rewrap.stderr);
    const out = JSON.parse(rewrap.stdout);
    assert.deepEqual([...out.rewrapped].sort(), [...kids].sort());
    assert.equal(out.master_key_id, masterKeyId(Buffer.from(newKey, 'base64url')));
    assert.ok(statuses.length > 0 && statuses.every((s) => s === 200), `statuses: ${statuses}`);
    assert.equal(await me(during.url, freshLogin), 200);
  } finally {
    await during.close();
  }

  // Every row is now sealed under the new key in the current format; a second run has nothing to do.
  const newBytes = Buffer.from(newKey, 'base64url');
  for (const row of await sealedRows(databaseUrl)) {
    assert.ok(isSealedUnder(row.privateKeyEnc, newBytes), row.kid);
  }
  const again = await cli(['keys', 'rewrap', '--json'], { TESSERA_MASTER_KEY: newKey });
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(JSON.parse(again.stdout).rewrapped, []);

  // After: the old key is dropped; the server starts on the new key alone, verifies and signs.
  const after = await serve(databaseUrl, { TESSERA_MASTER_KEY: newKey });
  try {
    assert.equal(await me(after.url, oldToken), 200);
    assert.equal(await me(after.url, await login(after.url, 'ops@example.com')), 200);
    await after.ctx.services.keys.rotateNow('test');
  } finally {
    await after.close();
  }
  // And the old key alone no longer opens anything.
  await assert.rejects(serve(databaseUrl, { TESSERA_MASTER_KEY: oldKey }), /different master key/);

  // A master key that opens nothing: exit 1, naming the kids, never a stack trace.
  const stranger = await cli(['keys', 'rewrap'], {
    TESSERA_MASTER_KEY: key(),
    TESSERA_MASTER_KEY_PREVIOUS: key(),
  });
  assert.notEqual(stranger.code, 0);
  assert.match(oneLineError(stranger.stderr), /different master key|cannot open/);
  // A malformed previous key is a usage error naming the variable.
  const bad = await cli(['keys', 'rewrap'], {
    TESSERA_MASTER_KEY: newKey,
    TESSERA_MASTER_KEY_PREVIOUS: 'short',
  });
  assert.equal(bad.code, 2);
  assert.match(oneLineError(bad.stderr), /TESSERA_MASTER_KEY_PREVIOUS/);
  assert.ok(!bad.stderr.includes(newKey));
}

describe('tessera keys rewrap: switching the master key with no downtime', () => {
  test('SQLite', async () => {
    await switchMasterKey(`sqlite:${tmp.path('rewrap.db')}`);
  });

  const postgresUrl = process.env.TESSERA_TEST_POSTGRES_URL?.trim();
  const ci = process.env.CI === 'true' || process.env.CI === '1';
  test('PostgreSQL', { skip: !postgresUrl && !ci && 'TESSERA_TEST_POSTGRES_URL is not set' }, async () => {
    assert.ok(postgresUrl, 'TESSERA_TEST_POSTGRES_URL is required in CI');
    const name = `tessera_rewrap_${randomBytes(6).toString('hex')}`;
    const adminClient = async (sql: string) => {
      const c = new pg.Client({ connectionString: postgresUrl });
      await c.connect();
      try {
        await c.query(sql); // name is ours: [a-z0-9_] only
      } finally {
        await c.end();
      }
    };
    await adminClient(`create database ${name}`);
    const url = new URL(postgresUrl);
    url.pathname = `/${name}`;
    try {
      await switchMasterKey(url.toString());
    } finally {
      await adminClient(`drop database if exists ${name} with (force)`);
    }
  });
});
