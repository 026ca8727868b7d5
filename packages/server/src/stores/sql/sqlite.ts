// The SQLite backend: better-sqlite3 behind Kysely's SqliteDialect. One synchronous connection
// per Stores; Kysely serialises queries and transactions on it, and WAL lets other processes
// (the CLI) read while the server writes.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, type SqliteDatabase, SqliteDialect } from 'kysely';
import { loadBetterSqlite3 } from '../../drivers/optional-driver.js';
import { CommitGate } from './commit-gate.js';
import type { SqlFlavor } from './flavor.js';
import { withLeaseLock } from './lease-lock.js';
import { type RefreshRotation, sqliteRefreshRotation } from './refresh-rotation.js';
import type { Database } from './schema.js';
import { withUnavailableMapping } from './unavailable.js';
import { startWalCheckpointer, type WalCheckpointer } from './wal-checkpointer.js';

export const MEMORY = ':memory:';

// The checkpoint worker thread loads the same better-sqlite3 this module uses.
const driverPath = () => createRequire(import.meta.url).resolve('better-sqlite3');

function openDatabase(path: string): BetterSqlite3.Database {
  if (path !== MEMORY) mkdirSync(dirname(resolve(path)), { recursive: true });
  const database = new (loadBetterSqlite3())(path === MEMORY ? MEMORY : resolve(path));
  // 2 KiB pages for a new database (an existing file keeps its own: the pragma does nothing once
  // the file has pages). A commit writes whole pages to the log, and a lone refresh touches about
  // eleven (token, session and audit rows and their indexes): with 4 KiB pages that was 44 KB of
  // log. Measured on 2 vCPUs, 20 clients: server CPU per refresh 158-160 µs instead of 187-189,
  // capacity 6,400/s instead of 5,400, log bytes per refresh 9.2 KB instead of 15. 1 KiB pages
  // cost more again (171-203 µs: deeper trees).
  database.pragma('page_size = 2048');
  if (path !== MEMORY) database.pragma('journal_mode = WAL');
  database.pragma('foreign_keys = ON');
  // Another process holding the write lock makes us wait up to 5 s instead of failing at once.
  database.pragma('busy_timeout = 5000');
  // Safe with WAL: a power loss can drop the last commits but never corrupts the file.
  database.pragma('synchronous = NORMAL');
  return database;
}

/** Most distinct SQL texts kept prepared; the stores issue a few dozen, oldest dropped first. */
const STATEMENT_CACHE_MAX = 500;

/**
 * Kysely's SqliteDriver prepares every query anew: ten prepares per refresh, 10-20% of its CPU
 * (bench/suites/server.mjs). Reusing the prepared statement is safe here: Kysely runs one query at
 * a time on the connection and nothing streams, so a statement is never in use twice.
 */
function withStatementCache(database: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => database.close(),
    prepare(sql) {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql);
        if (statements.size >= STATEMENT_CACHE_MAX)
          statements.delete(statements.keys().next().value as string);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

export interface SqliteOptions {
  /** Lease of the rotation lock, ms (default 30 000): how long a crashed holder blocks others. */
  lockLeaseMs?: number;
}

export function createSqliteFlavor(opts: SqliteOptions, rotateRefresh: RefreshRotation): SqlFlavor {
  return {
    kind: 'sqlite',
    bool: (value) => (value ? 1 : 0),
    isUniqueViolation(err) {
      const code = (err as { code?: unknown } | null)?.code;
      return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
    },
    withLock: (db, name, fn, wait) =>
      withLeaseLock(db, name, fn, wait, opts.lockLeaseMs === undefined ? {} : { leaseMs: opts.lockLeaseMs }),
    // One connection per file per process already serialises inserts; across processes SQLite's
    // single writer does, and AUTOINCREMENT hands out ids in commit order.
    serializeRevocations: async () => {},
    rotateRefresh,
  };
}

interface SharedDatabase {
  db: Kysely<Database>;
  rotateRefresh: RefreshRotation;
  checkpointer: WalCheckpointer | undefined;
  refs: number;
}

// One connection per file per process. Two better-sqlite3 connections to one file in one process
// would deadlock: better-sqlite3 waits for a busy lock synchronously (busy_timeout), blocking the
// event loop that the other connection's open transaction needs in order to finish. Sharing one
// Kysely instance lets its connection mutex serialise the transactions instead.
const shared = new Map<string, SharedDatabase>();

export function openSqlite(
  path: string,
  opts: SqliteOptions = {},
): {
  db: Kysely<Database>;
  flavor: SqlFlavor;
  release(): Promise<void>;
} {
  const key = path === MEMORY ? undefined : resolve(path);
  let entry = key === undefined ? undefined : shared.get(key);
  if (!entry) {
    const database = openDatabase(path);
    const db = new Kysely<Database>({
      dialect: withUnavailableMapping(new SqliteDialect({ database: withStatementCache(database) })),
    });
    // A file database checkpoints its WAL in a worker thread, never inside a request's commit.
    // Refresh commits wait (as promises) while that thread rewinds the log.
    const gate = new CommitGate();
    const checkpointer =
      path === MEMORY
        ? undefined
        : startWalCheckpointer(database, resolve(path), { driverPath: driverPath(), gate });
    entry = { db, rotateRefresh: sqliteRefreshRotation(database, db, gate), checkpointer, refs: 0 };
    if (key !== undefined) shared.set(key, entry);
  }
  entry.refs += 1;
  const current = entry;
  let released = false;
  return {
    db: current.db,
    flavor: createSqliteFlavor(opts, current.rotateRefresh),
    async release() {
      if (released) return;
      released = true;
      current.refs -= 1;
      if (current.refs > 0) return;
      if (key !== undefined && shared.get(key) === current) shared.delete(key);
      await current.checkpointer?.stop();
      await current.db.destroy();
    },
  };
}
