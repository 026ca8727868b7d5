// The WAL checkpoint worker under writes that never pause: a PASSIVE checkpoint alone never lets
// SQLite rewind the log (frames keep arriving while it copies), so the log grew for as long as the
// load lasted. The worker must bring it back under its limit while the writes go on, holding the
// refresh commits (CommitGate) only while it rewinds.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { createStores } from '../src/stores/index.js';
import { CommitGate } from '../src/stores/sql/commit-gate.js';
import { sqliteRefreshRotation } from '../src/stores/sql/refresh-rotation.js';
import type { Database } from '../src/stores/sql/schema.js';
import { startWalCheckpointer } from '../src/stores/sql/wal-checkpointer.js';

const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');

test('under steady writes the log is rewound once it passes its limit, and shrunk back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-wal-'));
  const path = join(dir, 'wal.db');
  const database = new BetterSqlite3(path);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  database.exec('create table rows (id integer primary key, body text not null)');
  const restartBytes = 256 * 1024;
  // The server's refresh commits wait on this gate while the worker rewinds the log.
  const gate = new CommitGate();
  let holds = 0;
  let releases = 0;
  const hold = gate.hold.bind(gate);
  const release = gate.release.bind(gate);
  gate.hold = (ms) => {
    holds++;
    hold(ms);
  };
  gate.release = () => {
    if (gate.held) releases++;
    release();
  };
  const checkpointer = startWalCheckpointer(database, path, {
    intervalMs: 20,
    restartBytes,
    driverPath,
    gate,
  });
  try {
    const insert = database.prepare('insert into rows (body) values (?)');
    const pause = new Int32Array(new SharedArrayBuffer(4));
    let commits = 0;
    let largest = 0;
    const until = Date.now() + 2_000;
    // A commit (one 4 KB page of log) every 0.2 ms: the gaps between writes are shorter than a
    // checkpoint, the load under which the log used to grow without end (about 20 MB/s here).
    while (Date.now() < until) {
      for (let i = 0; i < 50; i++) {
        insert.run('x'.repeat(300));
        commits++;
        Atomics.wait(pause, 0, 0, 0.2);
      }
      largest = Math.max(largest, statSync(`${path}-wal`).size);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const written = commits * 4096;
    assert.ok(written > 32 * restartBytes, `only ${written} bytes written: the test proves nothing`);
    // The limit, what arrives between two looks of the worker and while it copies: a small
    // multiple of the limit, where a log that is never rewound holds every byte written.
    assert.ok(
      largest < 16 * restartBytes,
      `log reached ${largest} bytes (limit ${restartBytes}) after ${written} bytes of commits`,
    );
    const { n } = database.prepare('select count(*) as n from rows').get() as { n: number };
    assert.equal(n, commits);
    assert.ok(holds > 0, 'the worker never asked to hold the commits for a rewind');
    // Once the writes stop, the worker truncates the file it left at its largest size.
    const stopped = Date.now();
    while (statSync(`${path}-wal`).size > restartBytes && Date.now() - stopped < 3_000) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.ok(statSync(`${path}-wal`).size <= restartBytes, 'the idle log file was not truncated');
    assert.equal(releases, holds, 'every hold was released by the worker');
    assert.equal(gate.held, false);
  } finally {
    await checkpointer.stop();
    database.close();
    assert.equal(existsSync(path), true);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a held gate makes commits wait until it is released, and lets go by itself after its time', async () => {
  const gate = new CommitGate();
  assert.equal(gate.held, false);
  await gate.released(); // not held: at once
  gate.hold(5_000);
  let passed = false;
  const waiting = gate.released().then(() => {
    passed = true;
  });
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(passed, false, 'a commit went through a held gate');
  gate.release();
  await waiting;
  assert.equal(passed, true);
  // A worker that never answers cannot hold the commits longer than the hold's time. (The gate's
  // timer does not keep a process alive; the server's listening socket does, this interval here.)
  const alive = setInterval(() => {}, 1_000);
  gate.hold(40);
  const started = Date.now();
  await gate.released();
  clearInterval(alive);
  assert.ok(Date.now() - started >= 30 && Date.now() - started < 1_000, `${Date.now() - started} ms`);
  assert.equal(gate.held, false);
});

test('refresh rotations wait while the gate is held, then commit together', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-gate-'));
  const url = `sqlite:${join(dir, 'gate.db')}`;
  const stores = await createStores({ databaseUrl: url });
  await stores.migrate();
  const now = Date.now();
  const user = await stores.users.create({
    id: 'u_gate',
    email: 'gate@example.com',
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
    roles: ['user'],
    disabled: false,
    createdAt: now,
  });
  const session = await stores.sessions.create({
    id: 's_gate',
    userId: user.id,
    device: 'test',
    userAgent: 'test',
    ip: '203.0.113.7',
    createdAt: now,
    lastUsedAt: now,
    expiresAt: now + 86_400_000,
  });
  const hashes = ['a', 'b'].map((c) => c.repeat(43));
  for (const hash of hashes) {
    await stores.refreshTokens.insert({
      hash,
      sessionId: session.id,
      userId: user.id,
      createdAt: now,
      expiresAt: now + 60_000,
    });
  }
  await stores.close();

  const database = new BetterSqlite3(join(dir, 'gate.db'));
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  const gate = new CommitGate();
  const rotate = sqliteRefreshRotation(database, db, gate);
  try {
    gate.hold(5_000);
    const results = hashes.map((hash, i) =>
      rotate({
        hash,
        now: now + 1,
        successorHash: `${i}`.repeat(43),
        successorExpiresAt: now + 60_000,
        ip: '203.0.113.7',
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const spent = database.prepare('select count(*) as n from refresh_tokens where spent_at is not null');
    assert.equal((spent.get() as { n: number }).n, 0, 'a rotation committed through a held gate');
    gate.release();
    assert.deepEqual(
      (await Promise.all(results)).map((r) => r.status),
      ['rotated', 'rotated'],
    );
    assert.equal((spent.get() as { n: number }).n, 2);
  } finally {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
});
