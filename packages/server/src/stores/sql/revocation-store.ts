// Revocation entries. The cursor is the autoincrement id (SQLite AUTOINCREMENT never reuses an
// id; PostgreSQL identity only grows), and inserts are serialised by the flavor so ids become
// visible in order: a poller asking `since=N` never misses an entry committed later below N.
import type { Kysely } from 'kysely';
import type { RevocationStore } from '../types.js';
import type { SqlFlavor } from './flavor.js';
import { num, toRevocation } from './rows.js';
import type { Database } from './schema.js';

export function createSqlRevocationStore(db: Kysely<Database>, flavor: SqlFlavor): RevocationStore {
  return {
    async add(entry, at) {
      const row = await db.transaction().execute(async (trx) => {
        await flavor.serializeRevocations(trx);
        return trx
          .insertInto('revocations')
          .values({
            type: entry.type,
            value: entry.value,
            iat_before: entry.type === 'sub' ? entry.iatBefore : null,
            exp: entry.exp,
            created_at: at,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
      });
      return toRevocation(row);
    },

    async since(after, nowSec, limit) {
      const rows = await db
        .selectFrom('revocations')
        .selectAll()
        .where('id', '>', after)
        .where('exp', '>', nowSec)
        .orderBy('id')
        .limit(Math.max(0, Math.floor(limit)))
        .execute();
      return rows.map(toRevocation);
    },

    async latestCursor() {
      // deleteExpired keeps the newest row, so this never goes backwards.
      const row = await db
        .selectFrom('revocations')
        .select((eb) => eb.fn.max('id').as('max'))
        .executeTakeFirst();
      return row?.max === null || row?.max === undefined ? 0 : num(row.max);
    },

    async deleteExpired(nowSec) {
      // The newest row is kept even when expired (since() filters it out) so that latestCursor()
      // stays monotonic: a verifier's cursor must never point past the store's.
      const newest = await this.latestCursor();
      const result = await db
        .deleteFrom('revocations')
        .where('exp', '<=', nowSec)
        .where('id', '<', newest)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
