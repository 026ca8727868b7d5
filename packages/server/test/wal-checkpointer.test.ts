// The WAL checkpoint worker under writes that never pause: a PASSIVE checkpoint alone never lets
// SQLite rewind the log (frames keep arriving while it copies), so the log grew for as long as the
// load lasted. The worker must bring it back under its limit while the writes go on.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
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
  const checkpointer = startWalCheckpointer(database, path, {
    intervalMs: 20,
    restartBytes,
    driverPath,
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
  } finally {
    await checkpointer.stop();
    database.close();
    assert.equal(existsSync(path), true);
    rmSync(dir, { recursive: true, force: true });
  }
});
