// OAuth clients (client_credentials, token exchange, introspection, the revocation feed) and the
// `jti`s of their private_key_jwt assertions. Secrets are stored as hashes by the caller; this
// store never sees a plain secret.
import type { Kysely } from 'kysely';
import type { ClientRecord, ClientStore } from '../types.js';
import type { SqlFlavor } from './flavor.js';
import { toClient } from './rows.js';
import type { Database } from './schema.js';

/** The record with every optional field filled in, as `get` returns it. */
function normalized(client: ClientRecord): Required<ClientRecord> {
  return {
    ...client,
    scopes: [...client.scopes],
    audiences: [...client.audiences],
    grantTypes: [...(client.grantTypes ?? ['client_credentials'])],
    authMethod: client.authMethod ?? 'client_secret_basic',
    jwks: client.jwks ?? null,
    jwksUri: client.jwksUri ?? null,
  };
}

export function createSqlClientStore(db: Kysely<Database>, flavor: SqlFlavor): ClientStore {
  return {
    async create(input) {
      const client = normalized(input);
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
          grant_types: JSON.stringify(client.grantTypes),
          auth_method: client.authMethod,
          jwks: client.jwks,
          jwks_uri: client.jwksUri,
        })
        .execute();
      return client;
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
      const values: Record<string, string | number | boolean | null> = {};
      if (patch.name !== undefined) values.name = patch.name;
      if (patch.disabled !== undefined) values.disabled = flavor.bool(patch.disabled);
      if (patch.scopes !== undefined) values.scopes = JSON.stringify(patch.scopes);
      if (patch.audiences !== undefined) values.audiences = JSON.stringify(patch.audiences);
      if (patch.grantTypes !== undefined) values.grant_types = JSON.stringify(patch.grantTypes);
      if (patch.authMethod !== undefined) values.auth_method = patch.authMethod;
      if (patch.jwks !== undefined) values.jwks = patch.jwks;
      if (patch.jwksUri !== undefined) values.jwks_uri = patch.jwksUri;
      if (patch.secretHash !== undefined) values.secret_hash = patch.secretHash;
      if (Object.keys(values).length === 0) return;
      await db.updateTable('oauth_clients').set(values).where('id', '=', id).execute();
    },

    async delete(id) {
      const result = await db.deleteFrom('oauth_clients').where('id', '=', id).executeTakeFirst();
      await db.deleteFrom('client_assertion_jtis').where('client_id', '=', id).execute();
      return result.numDeletedRows > 0n;
    },

    async rememberAssertion(clientId, jti, expiresAt, now) {
      // Expired entries of this client go first, so a jti may be reused once its assertion is dead.
      await db
        .deleteFrom('client_assertion_jtis')
        .where('client_id', '=', clientId)
        .where('expires_at', '<=', now)
        .execute();
      const inserted = await db
        .insertInto('client_assertion_jtis')
        .values({ client_id: clientId, jti, expires_at: expiresAt })
        .onConflict((oc) => oc.columns(['client_id', 'jti']).doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
    },
  };
}
