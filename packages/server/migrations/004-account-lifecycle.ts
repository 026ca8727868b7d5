// Account lifecycle (verification, reset, email change, erasure): when a user's address was
// verified, and the one-time mail tokens. Only the SHA-256 of a mail token is stored; `email` is
// the address a token was issued for (the new address of an email change), so a token dies when
// the account's address moves on.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('email_verified_at', 'bigint').execute();

  await db.schema
    .createTable('mail_tokens')
    .addColumn('hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  // "Every older token of the same kind dies when a new one is issued": found by (user, kind).
  await db.schema
    .createIndex('mail_tokens_user_idx')
    .on('mail_tokens')
    .columns(['user_id', 'kind'])
    .execute();
  await db.schema.createIndex('mail_tokens_expires_idx').on('mail_tokens').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('mail_tokens').ifExists().execute();
  await db.schema.alterTable('users').dropColumn('email_verified_at').execute();
}
