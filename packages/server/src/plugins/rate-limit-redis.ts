// Shared (global) rate-limit counters for many instances: a LimiterFactory for plugins/rate-limit.ts.
// - Redis configured: RateLimiterRedis, with an insurance limiter that takes over while Redis is
//   down — RateLimiterPostgres on PostgreSQL (still global), in-memory on SQLite (one process).
// - PostgreSQL without Redis: RateLimiterPostgres alone.
// - SQLite without Redis: undefined (the in-memory default is already "global" for one process).
// Counters kept in the insurance limiter during an outage are not copied back to Redis: when Redis
// returns, a key may get up to one window's worth of extra attempts. The limits stay bounded.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { loadPg } from '../drivers/optional-driver.js';
import { closeRedis, openRedis } from '../fanout/redis-connection.js';
import type { FanoutLogger } from '../fanout/types.js';
import { parseDatabaseUrl } from '../stores/database-url.js';
import { isUnavailableError } from '../stores/sql/unavailable.js';
import { StorageUnavailableError } from '../stores/types.js';
import type { LimiterFactory } from './rate-limit.js';

export interface SharedLimiters {
  readonly factory: LimiterFactory;
  /** Where counters live: 'redis+postgres', 'redis+memory' or 'postgres'. */
  readonly backend: string;
  close(): Promise<void>;
}

export const RATE_LIMIT_TABLE = 'tessera_rate_limits';

// A PostgreSQL outage must surface as 503 (StorageUnavailableError), like the stores' own errors.
function mapUnavailable(err: unknown): never {
  if (err instanceof RateLimiterRes || err instanceof StorageUnavailableError || !isUnavailableError(err))
    throw err;
  throw new StorageUnavailableError({ cause: err });
}

/** The table rate-limiter-flexible expects, created once under an advisory lock (instances race at boot). */
async function ensureTable(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const key = createHash('sha256')
      .update(`tessera:${RATE_LIMIT_TABLE}`)
      .digest()
      .readBigInt64BE(0)
      .toString();
    await client.query('select pg_advisory_xact_lock($1::bigint)', [key]);
    await client.query(
      `create table if not exists ${RATE_LIMIT_TABLE} (key varchar(255) primary key, points integer not null default 0, expire bigint)`,
    );
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export async function createSharedLimiters(opts: {
  databaseUrl: string;
  redisUrl?: string | undefined;
  logger?: FanoutLogger;
  /** Connections of the limiter pool (default 4). */
  poolSize?: number;
}): Promise<SharedLimiters | undefined> {
  const target = parseDatabaseUrl(opts.databaseUrl);
  if (target.kind === 'sqlite' && !opts.redisUrl) return undefined;

  let pool: pg.Pool | undefined;
  // rate-limiter-flexible calls `client.query({text, values})`; this wrapper maps outages to 503.
  let pgClient: { query(q: pg.QueryConfig): Promise<pg.QueryResult> } | undefined;
  if (target.kind === 'postgres') {
    pool = new (loadPg().Pool)({
      connectionString: target.url,
      max: opts.poolSize ?? 4,
      connectionTimeoutMillis: 5_000,
      statement_timeout: 5_000,
      application_name: 'tessera-rate-limit',
    });
    pool.on('error', () => undefined); // an idle connection dying during an outage
    const p = pool;
    pgClient = { query: (q) => p.query(q).catch(mapUnavailable) };
    try {
      await ensureTable(pool);
    } catch (err) {
      await pool.end().catch(() => undefined);
      mapUnavailable(err);
    }
  }

  const redis = opts.redisUrl
    ? openRedis({ url: opts.redisUrl, role: 'rate-limit', logger: opts.logger })
    : undefined;
  // Until the connection is ready every call goes to the insurance limiter; wait for it (briefly),
  // so an instance that just started does not split one window's counts across two backends.
  if (redis && redis.status !== 'ready') {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, 2_000);
      timer.unref();
      function done() {
        clearTimeout(timer);
        redis?.off('ready', done);
        resolve();
      }
      redis.once('ready', done);
    });
  }

  const factory: LimiterFactory = ({ keyPrefix, points, duration }): RateLimiterAbstract => {
    const base = { keyPrefix, points, duration };
    const database = pgClient
      ? new RateLimiterPostgres({
          ...base,
          storeClient: pgClient,
          storeType: 'pool',
          tableName: RATE_LIMIT_TABLE,
          tableCreated: true,
        })
      : undefined;
    if (!redis) return database as RateLimiterPostgres;
    return new RateLimiterRedis({
      ...base,
      storeClient: redis,
      // Not connected → straight to the insurance limiter, no waiting on a dead socket.
      rejectIfRedisNotReady: true,
      insuranceLimiter: database ?? new RateLimiterMemory(base),
    });
  };

  return {
    factory,
    backend: redis ? (pool ? 'redis+postgres' : 'redis+memory') : 'postgres',
    async close() {
      await Promise.all([redis && closeRedis(redis), pool?.end().catch(() => undefined)]);
    },
  };
}
