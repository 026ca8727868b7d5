// The PostgreSQL backend: a pg Pool behind Kysely's PostgresDialect. Same queries as SQLite; the
// flavor supplies advisory locks for the rotation lock and a table lock that makes revocation
// cursors commit in order.
import { createHash } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type pg from 'pg';
import { loadPg } from '../../drivers/optional-driver.js';
import type { SqlFlavor } from './flavor.js';
import { postgresRefreshRotation } from './refresh-rotation.js';
import type { Database } from './schema.js';
import { withUnavailableMapping } from './unavailable.js';

export interface PostgresOptions {
  /** Connections per instance (default 10, at least 2: a held rotation lock keeps one busy). */
  poolSize?: number;
  /** Server-side limit per statement, ms (default 10 000). */
  statementTimeoutMs?: number;
  /** How long to wait for a connection, ms (default 5 000). */
  connectTimeoutMs?: number;
  onPoolError?: (err: Error) => void;
}

const INT8_OID = 20;

// int8 (bigint, count(*)) arrives as a string by default; our values are ms timestamps and ids,
// far below 2^53, so numbers are exact.
const parseInt8 = (value: string) => Number.parseInt(value, 10);
// Called for each column of every result (a refresh: about 30 columns).
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return parseInt8;
    return loadPg().types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

/** A stable 64-bit advisory-lock key for a lock name (as a decimal string for ::bigint). */
export function advisoryKey(name: string): string {
  return createHash('sha256').update(`tessera:${name}`).digest().readBigInt64BE(0).toString();
}

function createPostgresFlavor(pool: pg.Pool): SqlFlavor {
  // In-process queue per lock name: waiters of one instance queue here rather than each holding a
  // pooled connection blocked in pg_advisory_xact_lock, which could starve `fn` of connections.
  const local = new Map<string, Promise<unknown>>();
  return {
    kind: 'postgres',
    bool: (value) => value,
    isUniqueViolation: (err) => (err as { code?: unknown } | null)?.code === '23505',
    async withLock(db, name, fn, wait) {
      const previous = local.get(name);
      if (previous && !wait) return undefined;
      const run = (previous ?? Promise.resolve())
        .catch(() => {})
        .then(() =>
          // The transaction only holds the advisory lock; `fn` runs on other pooled connections.
          db.transaction().execute(async (trx) => {
            const key = advisoryKey(name);
            if (wait) {
              await sql`select pg_advisory_xact_lock(${key}::bigint)`.execute(trx);
            } else {
              const got = await sql<{
                ok: boolean;
              }>`select pg_try_advisory_xact_lock(${key}::bigint) as ok`.execute(trx);
              if (!got.rows[0]?.ok) return undefined;
            }
            return fn();
          }),
        );
      local.set(name, run);
      try {
        return await run;
      } finally {
        if (local.get(name) === run) local.delete(name);
      }
    },
    async serializeRevocations(trx) {
      // SHARE ROW EXCLUSIVE conflicts with itself (and with writers), not with readers: inserts
      // queue, so identity values become visible in increasing order. Revocations are rare.
      await sql`lock table revocations in share row exclusive mode`.execute(trx);
    },
    rotateRefresh: postgresRefreshRotation(pool),
  };
}

export function openPostgres(
  url: string,
  opts: PostgresOptions = {},
): { db: Kysely<Database>; flavor: SqlFlavor; release(): Promise<void> } {
  const pool = new (loadPg().Pool)({
    connectionString: url,
    max: Math.max(2, opts.poolSize ?? 10),
    statement_timeout: opts.statementTimeoutMs ?? 10_000,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    application_name: 'tessera',
    types,
  });
  // A client losing its connection emits 'error': on the pool while idle, on the client itself
  // while checked out (pg-pool removes its listener then). Unhandled, either would crash the
  // process during a database outage. The query in flight rejects on its own (and becomes
  // StorageUnavailableError); the broken client is dropped when released.
  const report = (err: Error) => opts.onPoolError?.(err);
  pool.on('error', report);
  pool.on('connect', (client) => client.on('error', report));
  const db = new Kysely<Database>({ dialect: withUnavailableMapping(new PostgresDialect({ pool })) });
  return { db, flavor: createPostgresFlavor(pool), release: () => db.destroy() };
}
