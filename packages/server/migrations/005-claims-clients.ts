// Application claims and real OAuth clients: per-user `claims` (a JSON object in text), clients
// with allowed grant types, an authentication method and (for private_key_jwt, RFC 7523) a
// registered JWKS or JWKS URL, and the `jti`s of client assertions already seen (replay refusal).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('claims', 'text').execute();

  // Existing clients keep working as they did: secret authentication, client_credentials.
  await db.schema
    .alterTable('oauth_clients')
    .addColumn('grant_types', 'text', (c) => c.notNull().defaultTo('["client_credentials"]'))
    .execute();
  await db.schema
    .alterTable('oauth_clients')
    .addColumn('auth_method', 'text', (c) => c.notNull().defaultTo('client_secret_basic'))
    .execute();
  await db.schema.alterTable('oauth_clients').addColumn('jwks', 'text').execute();
  await db.schema.alterTable('oauth_clients').addColumn('jwks_uri', 'text').execute();

  await db.schema
    .createTable('client_assertion_jtis')
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('jti', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('client_assertion_jtis_pk', ['client_id', 'jti'])
    .execute();
  await db.schema
    .createIndex('client_assertion_jtis_expires_idx')
    .on('client_assertion_jtis')
    .column('expires_at')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('client_assertion_jtis').ifExists().execute();
  for (const column of ['jwks_uri', 'jwks', 'auth_method', 'grant_types']) {
    await db.schema.alterTable('oauth_clients').dropColumn(column).execute();
  }
  await db.schema.alterTable('users').dropColumn('claims').execute();
}
