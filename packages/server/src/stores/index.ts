// Storage entry point: `createStores({ databaseUrl })` (or a resolved `backend`) picks the engine. Callers
// run `stores.migrate()` before use (`tessera serve` does it at start-up).
import type { Backend } from './backend.js';
import { parseDatabaseUrl, redactDatabaseUrl } from './database-url.js';
import { createSqlStores } from './sql/create-sql-stores.js';
import { openPostgres, type PostgresOptions } from './sql/postgres.js';
import { openSqlite, type SqliteOptions } from './sql/sqlite.js';
import type { Stores } from './types.js';

/** The subset of a pino logger the stores use. */
export interface StoreLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export type CreateStoresOptions = (
  | { databaseUrl: string; backend?: undefined }
  /** Already resolved (server start-up resolves it once for every component). */
  | { backend: Backend; databaseUrl?: undefined }
) & {
  logger?: StoreLogger;
  /** PostgreSQL pool settings (ignored for SQLite). */
  postgres?: Omit<PostgresOptions, 'onPoolError'>;
  /** SQLite settings (ignored for PostgreSQL). */
  sqlite?: SqliteOptions;
};

export async function createStores(opts: CreateStoresOptions): Promise<Stores> {
  const target = opts.backend ? opts.backend.database : parseDatabaseUrl(opts.databaseUrl);
  if (target.kind === 'sqlite') {
    const { db, flavor, release } = openSqlite(target.path, opts.sqlite);
    if (target.path === ':memory:') {
      opts.logger?.warn({ database: 'sqlite::memory:' }, 'in-memory database: everything is lost on exit');
    }
    opts.logger?.info({ database: `sqlite:${target.path}` }, 'storage opened');
    return createSqlStores(db, flavor, release);
  }
  const { db, flavor, release } = openPostgres(target.url, {
    ...opts.postgres,
    onPoolError: (err) => opts.logger?.warn({ err: err.message }, 'idle database connection failed'),
  });
  opts.logger?.info({ database: redactDatabaseUrl(target.url) }, 'storage opened');
  return createSqlStores(db, flavor, release);
}

export { type Backend, resolveBackend } from './backend.js';
export type { DatabaseTarget } from './database-url.js';
export { parseDatabaseUrl, redactDatabaseUrl } from './database-url.js';
export {
  createRateLimitStore,
  type LimiterSpec,
  memoryRateLimitStore,
  type RateLimitStore,
} from './rate-limit-store.js';
export type { PostgresOptions } from './sql/postgres.js';
export type { SqliteOptions } from './sql/sqlite.js';
export { isUnavailableError } from './sql/unavailable.js';
export type {
  AuditRecord,
  AuditStore,
  ClientRecord,
  ClientStore,
  ConsumeResult,
  KeyStateName,
  KeyStore,
  RefreshTokenRecord,
  RefreshTokenStore,
  RevocationRecord,
  RevocationStore,
  RevocationType,
  SessionRecord,
  SessionStore,
  StoredKey,
  Stores,
  UserRecord,
  UserStore,
} from './types.js';
export { DuplicateEmailError, StorageUnavailableError } from './types.js';
