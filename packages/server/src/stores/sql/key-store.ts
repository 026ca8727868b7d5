// The persisted keyring. `transition` is compare-and-set on the state column, so two instances
// racing to activate or retire the same key agree on exactly one winner. The rotation lock is
// the flavor's (lease row on SQLite, advisory lock on PostgreSQL).
import type { Kysely } from 'kysely';
import type { KeyStateName, KeyStore } from '../types.js';
import type { SqlFlavor } from './flavor.js';
import { toStoredKey } from './rows.js';
import type { Database } from './schema.js';

const STAMP_COLUMN = {
  next: undefined,
  active: 'activated_at',
  retiring: 'retiring_at',
  retired: 'retired_at',
  // A revoked key leaves the JWKS like a retired one; its row keeps when (retired_at).
  revoked: 'retired_at',
} as const satisfies Record<KeyStateName, string | undefined>;

export function createSqlKeyStore(db: Kysely<Database>, flavor: SqlFlavor): KeyStore {
  return {
    async list() {
      const rows = await db
        .selectFrom('signing_keys')
        .selectAll()
        .orderBy('created_at')
        .orderBy('kid')
        .execute();
      return rows.map(toStoredKey);
    },

    async insert(key) {
      await db
        .insertInto('signing_keys')
        .values({
          kid: key.kid,
          alg: key.alg,
          state: key.state,
          public_jwk: key.publicJwk,
          private_key_enc: key.privateKeyEnc,
          created_at: key.createdAt,
          activated_at: key.activatedAt,
          retiring_at: key.retiringAt,
          retired_at: key.retiredAt,
        })
        .execute();
    },

    async transition(kid, from, to, at) {
      const stamp = STAMP_COLUMN[to];
      const result = await db
        .updateTable('signing_keys')
        .set(stamp ? { state: to, [stamp]: at } : { state: to })
        .where('kid', '=', kid)
        .where('state', '=', from)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async delete(kid) {
      await db.deleteFrom('signing_keys').where('kid', '=', kid).execute();
    },

    async replaceSealed(kid, expected, next) {
      const result = await db
        .updateTable('signing_keys')
        .set({ private_key_enc: next })
        .where('kid', '=', kid)
        .where('private_key_enc', '=', expected)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async withRotationLock(fn, opts) {
      return flavor.withLock(db, 'key-rotation', fn, opts?.wait ?? true);
    },
  };
}
