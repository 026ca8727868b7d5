// OAuth clients (client_credentials, introspection, the revocation feed). Secrets are stored as
// hashes by the caller; this store never sees a plain secret.
import type { Kysely } from 'kysely';
import type { ClientStore } from '../types.js';
import type { SqlFlavor } from './flavor.js';
import { toClient } from './rows.js';
import type { Database } from './schema.js';

export function createSqlClientStore(db: Kysely<Database>, flavor: SqlFlavor): ClientStore {
  return {
    async create(client) {
      await db
        .insertInto('oauth_clients')
        .values({
          id: client.id,
          name: client.name,
          secret_hash: client.secretHash,
          scopes: JSON.stringify(client.scopes),
          audiences: JSON.stringify(client.audiences),
          created_at: client.createdAt,
          disabled: flavor.bool(client.disabled),
        })
        .execute();
      return { ...client, scopes: [...client.scopes], audiences: [...client.audiences] };
    },

    async get(id) {
      const row = await db.selectFrom('oauth_clients').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toClient(row) : undefined;
    },

    async list() {
      const rows = await db
        .selectFrom('oauth_clients')
        .selectAll()
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toClient);
    },

    async update(id, patch) {
      const values: Record<string, string | number | boolean> = {};
      if (patch.disabled !== undefined) values.disabled = flavor.bool(patch.disabled);
      if (patch.scopes !== undefined) values.scopes = JSON.stringify(patch.scopes);
      if (patch.audiences !== undefined) values.audiences = JSON.stringify(patch.audiences);
      if (Object.keys(values).length === 0) return;
      await db.updateTable('oauth_clients').set(values).where('id', '=', id).execute();
    },
  };
}
