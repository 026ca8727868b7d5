// SQLite specifics: file creation and pragmas, the URL contract, and two real processes on one
// file (the rotation lock and refresh-token consumption must hold across processes, e.g. the CLI
// next to the server).

import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { MIGRATIONS } from '../migrations/index.js';
import { createStores, type Stores } from '../src/stores/index.js';
import { createTempSqlite, type TempSqlite } from './support/db-sqlite.js';

/** Every migration, in order: a fresh database applies them all once. */
const ALL_MIGRATIONS = Object.keys(MIGRATIONS);

const CHILD = fileURLToPath(new URL('./support/db-child.js', import.meta.url));

function startChild(env: Record<string, string>) {
  const child = spawn(process.execPath, [CHILD], { env: { ...process.env, ...env } });
  const lines = createInterface({ input: child.stdout });
  const queue: object[] = [];
  const waiters: Array<(line: object) => void> = [];
  lines.on('line', (line) => {
    const parsed = JSON.parse(line) as object;
    const waiter = waiters.shift();
    if (waiter) waiter(parsed);
    else queue.push(parsed);
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return {
    child: child as ChildProcessWithoutNullStreams,
    next: () =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const queued = queue.shift();
        if (queued) return resolve(queued as Record<string, unknown>);
        waiters.push((line) => resolve(line as Record<string, unknown>));
        exited.then((code) => reject(new Error(`child exited (${code}): ${stderr}`)));
      }),
    exited,
  };
}

describe('sqlite backend', () => {
  let temp: TempSqlite;
  let stores: Stores;

  before(async () => {
    temp = await createTempSqlite();
    stores = await createStores({ databaseUrl: temp.url });
    await stores.migrate();
  });

  after(async () => {
    await stores.close();
    await temp.cleanup();
  });

  test("the WAL is checkpointed by the worker thread, not left to a request's commit", async () => {
    // Automatic checkpoints (the server's connection has them off) would wait for 1000 pages (~4 MB);
    // ~300 KB of writes reach the database file within seconds only through the worker.
    const before = statSync(temp.path).size;
    const details = { blob: 'x'.repeat(3000) };
    for (let i = 0; i < 100; i++) {
      await stores.audit.append({
        at: Date.now(),
        event: 'logout',
        sub: `wal-${i}`,
        actor: null,
        ip: null,
        sessionId: null,
        details,
      });
    }
    const started = Date.now();
    while (statSync(temp.path).size < before + 250_000 && Date.now() - started < 5_000) await sleep(100);
    assert.ok(
      statSync(temp.path).size >= before + 250_000,
      `database file ${before} → ${statSync(temp.path).size} bytes`,
    );
  });

  test('a database made with 4 KiB pages keeps them and works as before', async () => {
    const old = await createTempSqlite();
    mkdirSync(dirname(old.path), { recursive: true });
    const raw = new BetterSqlite3(old.path);
    raw.pragma('page_size = 4096');
    raw.exec('create table made_by_an_older_version (id integer primary key)');
    raw.close();
    const oldStores = await createStores({ databaseUrl: old.url });
    try {
      await oldStores.migrate();
      const user = await oldStores.users.create({
        id: 'u_pages',
        email: 'pages@example.com',
        passwordHash: 'x',
        roles: ['user'],
        disabled: false,
        createdAt: 1,
      });
      assert.equal((await oldStores.users.findById(user.id))?.email, 'pages@example.com');
    } finally {
      await oldStores.close();
    }
    const check = new BetterSqlite3(old.path, { readonly: true });
    try {
      assert.equal(check.pragma('page_size', { simple: true }), 4096);
    } finally {
      check.close();
      await old.cleanup();
    }
  });

  test('creates the parent directory and opens the file in WAL mode with foreign keys', async () => {
    assert.ok(existsSync(temp.path));
    const raw = new BetterSqlite3(temp.path, { readonly: true });
    try {
      assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
      // A new database gets 2 KiB pages (less log per commit than SQLite's 4 KiB default).
      assert.equal(raw.pragma('page_size', { simple: true }), 2048);
      const tables = raw.prepare("select name from sqlite_master where type = 'table'").all() as Array<{
        name: string;
      }>;
      for (const name of [
        'users',
        'sessions',
        'refresh_tokens',
        'signing_keys',
        'revocations',
        'audit_events',
      ]) {
        assert.ok(
          tables.some((t) => t.name === name),
          name,
        );
      }
    } finally {
      raw.close();
    }
    // foreign_keys is on: a session for a user that does not exist is refused.
    await assert.rejects(
      stores.sessions.create({
        id: 's_orphan',
        userId: 'u_nobody',
        device: 'd',
        userAgent: 'ua',
        ip: '127.0.0.1',
        createdAt: 1,
        lastUsedAt: 1,
        expiresAt: 2,
      }),
      /FOREIGN KEY/,
    );
  });

  test('sqlite::memory: works and is private to its Stores', async () => {
    const a = await createStores({ databaseUrl: 'sqlite::memory:' });
    const b = await createStores({ databaseUrl: 'sqlite::memory:' });
    try {
      assert.deepEqual(await a.migrate(), ALL_MIGRATIONS);
      assert.deepEqual(await b.migrate(), ALL_MIGRATIONS);
      await a.audit.append({
        event: 'logout',
        at: 1,
        sub: 'u',
        actor: null,
        ip: null,
        sessionId: null,
        details: {},
      });
      assert.equal((await a.audit.query({ limit: 10 })).length, 1);
      assert.equal((await b.audit.query({ limit: 10 })).length, 0);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('an unknown scheme is a clear error naming TESSERA_DATABASE_URL', async () => {
    await assert.rejects(createStores({ databaseUrl: 'mysql://localhost/tessera' }), /TESSERA_DATABASE_URL/);
  });

  test('rotation lock excludes another process, and is free once it releases', async () => {
    const other = startChild({ DB_URL: temp.url, DB_CHILD: 'lock' });
    assert.equal((await other.next()).step, 'locked');
    assert.equal(await stores.keys.withRotationLock(async () => 'mine', { wait: false }), undefined);
    let ran = false;
    const waiting = stores.keys.withRotationLock(async () => {
      ran = true;
      return 'after';
    });
    other.child.stdin.end('release\n');
    assert.equal((await other.next()).step, 'released');
    assert.equal(await waiting, 'after');
    assert.equal(ran, true);
    assert.equal(await other.exited, 0);
  });

  test('consume across two processes: exactly one rotation', async () => {
    const userId = `u_${randomBytes(6).toString('hex')}`;
    await stores.users.create({
      id: userId,
      email: `${userId}@example.com`,
      passwordHash: 'h',
      roles: [],
      disabled: false,
      createdAt: 1,
    });
    const sessionId = `s_${randomBytes(6).toString('hex')}`;
    const now = Date.now();
    await stores.sessions.create({
      id: sessionId,
      userId,
      device: 'd',
      userAgent: 'ua',
      ip: '127.0.0.1',
      createdAt: now,
      lastUsedAt: now,
      expiresAt: now + 60_000,
    });
    const hash = randomBytes(32).toString('base64url');
    await stores.refreshTokens.insert({ hash, sessionId, userId, createdAt: now, expiresAt: now + 60_000 });

    const other = startChild({
      DB_URL: temp.url,
      DB_CHILD: 'consume',
      REFRESH_HASH: hash,
      CONSUME_COUNT: '25',
    });
    assert.equal((await other.next()).step, 'ready');
    other.child.stdin.end('go\n');
    const mine = Promise.all(
      Array.from({ length: 25 }, () =>
        stores.refreshTokens.consume(hash, Date.now(), {
          hash: randomBytes(32).toString('base64url'),
          sessionId,
          userId,
          createdAt: now,
          expiresAt: now + 60_000,
        }),
      ),
    );
    const theirs = (await other.next()).statuses as string[];
    const statuses = [...theirs, ...(await mine).map((r) => r.status)];
    assert.equal(statuses.length, 50);
    assert.equal(statuses.filter((s) => s === 'rotated').length, 1);
    assert.equal(statuses.filter((s) => s === 'spent').length, 49);
    assert.equal(await other.exited, 0);
  });

  test("a crashed holder's lock frees itself when its lease runs out", async () => {
    const other = startChild({ DB_URL: temp.url, DB_CHILD: 'lock', DB_LEASE_MS: '500' });
    assert.equal((await other.next()).step, 'locked');
    assert.equal(await stores.keys.withRotationLock(async () => 'mine', { wait: false }), undefined);
    other.child.kill('SIGKILL');
    await other.exited;
    assert.equal(other.child.signalCode, 'SIGKILL');
    // Nobody releases it: waiting succeeds once the 500 ms lease has run out.
    assert.equal(await stores.keys.withRotationLock(async () => 'recovered'), 'recovered');
  });

  test('a long section keeps its lock past the lease (renewal)', async () => {
    const holder = await createStores({ databaseUrl: temp.url, sqlite: { lockLeaseMs: 1_000 } });
    try {
      let entered!: () => void;
      const inside = new Promise<void>((resolve) => {
        entered = resolve;
      });
      const section = holder.keys.withRotationLock(async () => {
        entered();
        await sleep(3_000);
        return 'done';
      });
      await inside;
      await sleep(2_500); // well past the 1 s lease: only renewal keeps it
      assert.equal(await stores.keys.withRotationLock(async () => 'stolen', { wait: false }), undefined);
      assert.equal(await section, 'done');
      assert.equal(await stores.keys.withRotationLock(async () => 'free', { wait: false }), 'free');
    } finally {
      await holder.close();
    }
  });

  test('every lookup the stores make is served by an index', async () => {
    const raw = new BetterSqlite3(temp.path, { readonly: true });
    try {
      // (`audit since` alone is a reverse rowid scan stopped by LIMIT: rows are appended in time order.)
      const lookups = {
        'sessions of a user':
          'select * from sessions where user_id = ? and revoked_at is null and expires_at > ? order by created_at desc',
        'user by email': 'select * from users where email = ?',
        'users page': 'select * from users order by created_at desc, id desc limit 10',
        'tokens of a family': 'delete from refresh_tokens where session_id = ?',
        'expired tokens': 'delete from refresh_tokens where expires_at <= ?',
        'token by hash': 'select * from refresh_tokens where hash = ?',
        'audit by sub': 'select * from audit_events where sub = ? order by id desc limit 10',
        'audit by event': 'select * from audit_events where event = ? order by id desc limit 10',
        'revocations since': 'select * from revocations where id > ? and exp > ? order by id limit 10',
        'expired revocations': 'delete from revocations where exp <= ? and id < ?',
      };
      for (const [name, query] of Object.entries(lookups)) {
        const params = Array.from(query.matchAll(/\?/g), () => 1);
        const plan = (raw.prepare(`explain query plan ${query}`).all(...params) as Array<{ detail: string }>)
          .map((row) => row.detail)
          .join('; ');
        assert.match(
          plan,
          /USING (COVERING )?INDEX|USING INTEGER PRIMARY KEY|USING PRIMARY KEY/,
          `${name}: ${plan}`,
        );
        assert.doesNotMatch(plan, /^SCAN \w+$|; SCAN \w+(;|$)/, `${name}: ${plan}`);
      }
    } finally {
      raw.close();
    }
  });
});
