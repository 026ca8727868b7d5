// RateLimitStore: where the rate-limit counters live, chosen from the backend.
// - Redis configured: RateLimiterRedis, with an insurance limiter that takes over while Redis is
//   down — RateLimiterPostgres on PostgreSQL (still global), in-memory on SQLite (one process).
// - PostgreSQL without Redis: RateLimiterPostgres alone, on the table of migrations/002.
// - SQLite without Redis: in memory (the counters of one process are already global).
// Counters kept in the insurance limiter during an outage are not copied back to Redis: when Redis
// returns, a key may get up to one window's worth of extra attempts. The limits stay bounded.
import type pg from 'pg';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { RATE_LIMIT_TABLE } from '../../migrations/002-rate-limits.js';
import { loadPg } from '../drivers/optional-driver.js';
import { closeRedis, openRedis } from '../fanout/redis-connection.js';
import type { FanoutLogger } from '../fanout/types.js';
import type { Backend } from './backend.js';
import { isUnavailableError } from './sql/unavailable.js';
import { StorageUnavailableError } from './types.js';

/** The counter behind one limit: `points` per `duration` seconds, keys prefixed by `keyPrefix`. */
export interface LimiterSpec {
  keyPrefix: string;
  points: number;
  duration: number;
}

export interface RateLimitStore {
  /** Where counters live: 'memory', 'postgres', 'redis+postgres' or 'redis+memory'. */
  readonly backend: string;
  /** The counter for one limit (rate-limiter-flexible). */
  limiter(spec: LimiterSpec): RateLimiterAbstract;
  close(): Promise<void>;
}

/** Counters in this process (one SQLite instance, and tests). */
export function memoryRateLimitStore(): RateLimitStore {
  return {
    backend: 'memory',
    limiter: (spec) => new RateLimiterMemory(spec),
    async close() {},
  };
}

// A PostgreSQL outage must surface as 503 (StorageUnavailableError), like the stores' own errors.
function mapUnavailable(err: unknown): never {
  if (err instanceof RateLimiterRes || err instanceof StorageUnavailableError || !isUnavailableError(err))
    throw err;
  throw new StorageUnavailableError({ cause: err });
}

export async function createRateLimitStore(opts: {
  backend: Backend;
  logger?: FanoutLogger;
  /** Connections of the limiter pool (default 4). */
  poolSize?: number;
}): Promise<RateLimitStore> {
  const { database, redisUrl } = opts.backend;
  if (database.kind === 'sqlite' && !redisUrl) return memoryRateLimitStore();

  let pool: pg.Pool | undefined;
  // rate-limiter-flexible calls `client.query({text, values})`; this wrapper maps outages to 503.
  let pgClient: { query(q: pg.QueryConfig): Promise<pg.QueryResult> } | undefined;
  if (database.kind === 'postgres') {
    pool = new (loadPg().Pool)({
      connectionString: database.url,
      max: opts.poolSize ?? 4,
      connectionTimeoutMillis: 5_000,
      statement_timeout: 5_000,
      application_name: 'tessera-rate-limit',
    });
    pool.on('error', () => undefined); // an idle connection dying during an outage
    const p = pool;
    pgClient = { query: (q) => p.query(q).catch(mapUnavailable) };
  }

  // A Redis that is connected but slow is waited for (2 s) rather than left for the insurance
  // limiter after the default 500 ms: counts split across two backends would let an attacker's
  // guesses pass the limit twice (seen under heavy load: 10 of 40 parallel guesses at a limit of 5).
  // A Redis that is down is not waited for at all (rejectIfRedisNotReady below).
  const redis = redisUrl
    ? openRedis({ url: redisUrl, role: 'rate-limit', logger: opts.logger, commandTimeoutMs: 2_000 })
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

  const limiter = ({ keyPrefix, points, duration }: LimiterSpec): RateLimiterAbstract => {
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
    limiter,
    backend: redis ? (pool ? 'redis+postgres' : 'redis+memory') : 'postgres',
    async close() {
      await Promise.all([redis && closeRedis(redis), pool?.end().catch(() => undefined)]);
    },
  };
}
