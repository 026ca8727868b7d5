// PostgreSQL specifics: unavailability becomes StorageUnavailableError (503 upstream), the
// rotation lock is a cluster-wide advisory lock, statement_timeout applies, the pool survives
// killed connections, and concurrent instances migrate once. Needs TESSERA_TEST_POSTGRES_URL
// (scripts/services/postgres.sh) except for the first test; in CI a missing URL fails.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { MIGRATIONS } from '../migrations/index.js';
import { loadConfig } from '../src/config/index.js';
import { startServer } from '../src/server.js';
import { createStores, StorageUnavailableError, type Stores } from '../src/stores/index.js';
import { advisoryKey } from '../src/stores/sql/postgres.js';
import { createTempPostgres, isCi, POSTGRES_MISSING, testPostgresUrl } from './support/db-postgres.js';
import { startDbProxy } from './support/db-proxy.js';

/** Every migration, in order: a fresh database applies them all once. */
const ALL_MIGRATIONS = Object.keys(MIGRATIONS);

test('an unreachable database gives StorageUnavailableError without leaking the URL', async () => {
  // Port 1 on loopback: nothing listens, the connection is refused at once.
  const stores = await createStores({
    databaseUrl: 'postgres://tessera:hunter2-secret@127.0.0.1:1/tessera',
    postgres: { connectTimeoutMs: 2_000 },
  });
  try {
    for (const attempt of [() => stores.ping(), () => stores.users.findById('u_1'), () => stores.migrate()]) {
      await assert.rejects(attempt(), (err: unknown) => {
        assert.ok(err instanceof StorageUnavailableError, String(err));
        assert.equal(err.message, 'storage unavailable (ECONNREFUSED)');
        assert.ok(!String(err.message).includes('hunter2'));
        return true;
      });
    }
  } finally {
    await stores.close();
  }
});

const url = testPostgresUrl();

describe('postgres backend', { skip: !url && !isCi() ? POSTGRES_MISSING : false }, () => {
  let temp: { url: string; dispose(): Promise<void> };
  let stores: Stores;
  let raw: pg.Client;

  before(async () => {
    assert.ok(url, POSTGRES_MISSING);
    temp = await createTempPostgres(url);
    stores = await createStores({
      databaseUrl: temp.url,
      postgres: { statementTimeoutMs: 500, poolSize: 3 },
    });
    await stores.migrate();
    raw = new pg.Client({ connectionString: temp.url });
    await raw.connect();
  });

  after(async () => {
    await raw?.end();
    await stores?.close();
    await temp?.dispose();
  });

  test('the rotation lock is an advisory lock other sessions see', async () => {
    const key = advisoryKey('key-rotation');
    await raw.query('select pg_advisory_lock($1::bigint)', [key]);
    try {
      assert.equal(await stores.keys.withRotationLock(async () => 'x', { wait: false }), undefined);
      // Waiting is bounded by statement_timeout (500 ms here): the wait fails as unavailable.
      await assert.rejects(
        stores.keys.withRotationLock(async () => 'x'),
        StorageUnavailableError,
      );
    } finally {
      await raw.query('select pg_advisory_unlock($1::bigint)', [key]);
    }
    assert.equal(await stores.keys.withRotationLock(async () => 'free', { wait: false }), 'free');
    // Held by us: the raw session cannot take it.
    await stores.keys.withRotationLock(async () => {
      const got = await raw.query<{ ok: boolean }>('select pg_try_advisory_lock($1::bigint) as ok', [key]);
      assert.equal(got.rows[0]?.ok, false);
    });
  });

  test('revocation cursors become visible in order (an open insert holds back later ones)', async () => {
    // Another writer mid-insert with an uncommitted id (a plain INSERT: ROW EXCLUSIVE only, so
    // only add()'s own table lock can make it wait).
    await raw.query('begin');
    const pending = await raw.query<{ id: string | number }>(
      "insert into revocations (type, value, iat_before, exp, created_at) values ('jti', 'slow', null, 4000000000, 0) returning id",
    );
    const slowId = Number(pending.rows[0]?.id);
    let settled = false;
    const fast = stores.revocations
      .add({ type: 'jti', value: 'fast', iatBefore: null, exp: 4_000_000_000 }, 0)
      .finally(() => {
        settled = true;
      });
    await sleep(200);
    // Had it committed now, a poller could see the later id and skip `slow` forever.
    assert.equal(settled, false);
    assert.deepEqual(await stores.revocations.since(slowId - 1, 0, 10), []);
    await raw.query('commit');
    const entry = await fast;
    assert.ok(entry.cursor > slowId);
    const seen = await stores.revocations.since(slowId - 1, 0, 10);
    assert.deepEqual(
      seen.map((r) => r.value),
      ['slow', 'fast'],
    );
  });

  test('killed connections: every failure is StorageUnavailableError and the pool recovers', async () => {
    await stores.ping();
    const database = new URL(temp.url).pathname.slice(1);
    await raw.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [database],
    );
    let recovered = false;
    for (let attempt = 0; attempt < 20 && !recovered; attempt++) {
      try {
        await stores.ping();
        recovered = true;
      } catch (err) {
        assert.ok(err instanceof StorageUnavailableError, String(err));
        await sleep(100);
      }
    }
    assert.ok(recovered);
    assert.equal(await stores.users.findById('u_missing'), undefined);
  });

  test('instances starting together apply each migration once', async () => {
    assert.ok(url);
    const fresh = await createTempPostgres(url);
    const instances = await Promise.all([1, 2, 3].map(() => createStores({ databaseUrl: fresh.url })));
    try {
      const applied = await Promise.all(instances.map((s) => s.migrate()));
      assert.deepEqual(applied.flat(), ALL_MIGRATIONS);
    } finally {
      for (const s of instances) await s.close();
      await fresh.dispose();
    }
  });

  test('HTTP: 503 (never 500) while PostgreSQL is unreachable, and recovery after', async () => {
    const target = new URL(temp.url);
    const proxy = await startDbProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(temp.url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const home = await mkdtemp(join(tmpdir(), 'tessera-pg-http-'));
    const server = await startServer(
      loadConfig({
        TESSERA_DATABASE_URL: viaProxy.toString(),
        TESSERA_PORT: '0',
        TESSERA_LOG_LEVEL: 'silent',
        TESSERA_COOKIE_SECURE: 'false',
      }),
      { cwd: home },
    );
    const login = () =>
      fetch(`${server.url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'pg-outage@example.com', password: 'correct horse battery staple 7' }),
      });
    try {
      const registered = await fetch(`${server.url}/v1/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'pg-outage@example.com', password: 'correct horse battery staple 7' }),
      });
      assert.equal(registered.status, 201);
      assert.equal((await login()).status, 200);
      assert.equal((await fetch(`${server.url}/readyz`)).status, 200);

      await proxy.cut();
      const ready = await fetch(`${server.url}/readyz`);
      assert.equal(ready.status, 503);
      assert.equal(ready.headers.get('retry-after'), '2');
      const down = await login();
      assert.equal(down.status, 503);
      assert.equal(down.headers.get('retry-after'), '2');
      const body = (await down.json()) as { error: string };
      assert.equal(body.error, 'temporarily_unavailable');
      assert.ok(!JSON.stringify(body).includes('ECONN'));

      await proxy.restore();
      let status = 0;
      for (let attempt = 0; attempt < 20 && status !== 200; attempt++) {
        status = (await login()).status;
        if (status !== 200) await sleep(100);
      }
      assert.equal(status, 200);
    } finally {
      await server.close();
      await proxy.close();
      await rm(home, { recursive: true, force: true });
    }
  });
});
