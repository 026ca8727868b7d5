// What differs between SQLite and PostgreSQL, injected into the one SQL implementation. Everything
// else (queries, transactions, RETURNING, ON CONFLICT) is written once with Kysely.
import type { Kysely } from 'kysely';
import type { RefreshRotation } from './refresh-rotation.js';
import type { Database } from './schema.js';

export interface SqlFlavor {
  readonly kind: 'sqlite' | 'postgres';
  /** Value to bind for a boolean column: SQLite cannot bind JS booleans, PostgreSQL wants them. */
  bool(value: boolean): boolean | number;
  /** Whether `err` is a unique-constraint violation (duplicate email, duplicate id). */
  isUniqueViolation(err: unknown): boolean;
  /** Runs `fn` holding the cluster-wide rotation lock, or returns undefined when busy and !wait. */
  withLock<T>(
    db: Kysely<Database>,
    name: string,
    fn: () => Promise<T>,
    wait: boolean,
  ): Promise<T | undefined>;
  /**
   * Makes concurrent revocation inserts commit in cursor order (called inside the insert's
   * transaction), so a poller that has seen cursor N never later misses an entry below N.
   */
  serializeRevocations(trx: Kysely<Database>): Promise<void>;
  /** The refresh hot path on this engine's own prepared statements (refresh-rotation.ts). */
  rotateRefresh: RefreshRotation;
}
