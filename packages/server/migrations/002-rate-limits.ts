// Rate-limit counters shared by every instance on PostgreSQL (stores/rate-limit-store.ts): the
// table rate-limiter-flexible's RateLimiterPostgres reads and writes. It used to be created at
// start-up by the limiter itself; `if not exists` adopts a table made that way. On SQLite the
// counters stay in memory (one process), so there is no table.
import type { Kysely } from 'kysely';
import { isPostgres } from './support.js';

export const RATE_LIMIT_TABLE = 'tessera_rate_limits';

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return;
  await db.schema
    .createTable(RATE_LIMIT_TABLE)
    .ifNotExists()
    .addColumn('key', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('points', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expire', 'bigint')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return;
  await db.schema.dropTable(RATE_LIMIT_TABLE).ifExists().execute();
}
