// Helpers shared by the migrations. Migrations are written with Kysely's schema builder so the
// same file runs on SQLite and PostgreSQL; the few types that differ are chosen here.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter } from 'kysely';

export function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * An auto-incrementing integer primary key. SQLite needs exactly `integer primary key
 * autoincrement` (the rowid alias; AUTOINCREMENT forbids reuse of deleted ids, which keeps
 * revocation cursors strictly increasing); PostgreSQL uses a bigint identity column.
 */
export function serialIdType(db: Kysely<unknown>): 'integer' | 'bigint' {
  return isPostgres(db) ? 'bigint' : 'integer';
}

export function serialId(db: Kysely<unknown>) {
  const pg = isPostgres(db);
  return (col: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
    pg ? col.primaryKey().generatedByDefaultAsIdentity() : col.primaryKey().autoIncrement();
}
