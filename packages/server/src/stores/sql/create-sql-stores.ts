// Assembles every store over one Kysely instance and one dialect flavor, plus migrate/ping/close.
import { type Kysely, Migrator, sql } from 'kysely';
import { migrationProvider } from '../../../migrations/index.js';
import { StorageUnavailableError, type Stores } from '../types.js';
import { createSqlAuditStore } from './audit-store.js';
import { createSqlClientStore } from './client-store.js';
import type { SqlFlavor } from './flavor.js';
import { createSqlKeyStore } from './key-store.js';
import { createSqlLifecycleStore } from './lifecycle-store.js';
import { createSqlMfaStore } from './mfa-store.js';
import { createSqlRefreshTokenStore } from './refresh-token-store.js';
import { createSqlRevocationStore } from './revocation-store.js';
import type { Database } from './schema.js';
import { createSqlSessionStore } from './session-store.js';
import { createSqlUserStore } from './user-store.js';

export const MIGRATION_TABLE = 'tessera_migrations';

/** `release` frees the connection(s) when the Stores is closed (the db may be shared). */
export function createSqlStores(
  db: Kysely<Database>,
  flavor: SqlFlavor,
  release: () => Promise<void>,
): Stores {
  let closed = false;
  return {
    kind: flavor.kind,
    users: createSqlUserStore(db, flavor),
    sessions: createSqlSessionStore(db),
    refreshTokens: createSqlRefreshTokenStore(db, flavor),
    keys: createSqlKeyStore(db, flavor),
    revocations: createSqlRevocationStore(db, flavor),
    audit: createSqlAuditStore(db),
    clients: createSqlClientStore(db, flavor),
    mfa: createSqlMfaStore(db),
    lifecycle: createSqlLifecycleStore(db, flavor),

    async migrate() {
      const migrator = new Migrator({
        db,
        provider: migrationProvider,
        migrationTableName: MIGRATION_TABLE,
        migrationLockTableName: `${MIGRATION_TABLE}_lock`,
        // 005 (claims, clients) and 006 (second factors) were built side by side and touch different
        // columns: a database that already ran 006 still takes 005.
        allowUnorderedMigrations: true,
      });
      const { error, results } = await migrator.migrateToLatest();
      if (error instanceof StorageUnavailableError) throw error;
      if (error) {
        const failed = results?.find((r) => r.status === 'Error')?.migrationName;
        throw new Error(`database migration ${failed ?? ''} failed`.replace('  ', ' '), { cause: error });
      }
      return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    },

    async ping() {
      await sql`select 1`.execute(db);
    },

    async close() {
      if (closed) return;
      closed = true;
      await release();
    },
  };
}
