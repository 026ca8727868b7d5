// Second factors: TOTP secrets (sealed under the master key) and passkeys in one `mfa_factors`
// table, hashed recovery codes, short-lived single-use challenges (mfa_token, WebAuthn challenges),
// and how each session was authenticated (`amr`, `auth_time`) so refresh and step-up keep it.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('mfa_factors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull()) // 'totp' | 'webauthn'
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('confirmed_at', 'bigint')
    .addColumn('last_used_at', 'bigint')
    // TOTP: the sealed secret and the last time step accepted (a code is good once).
    .addColumn('secret_enc', 'text')
    .addColumn('last_step', 'bigint')
    // WebAuthn: credential id (base64url), COSE public key (base64url), signature counter.
    .addColumn('credential_id', 'text', (c) => c.unique())
    .addColumn('public_key', 'text')
    .addColumn('counter', 'bigint')
    .addColumn('transports', 'text')
    .addColumn('device_type', 'text')
    .execute();
  await db.schema.createIndex('mfa_factors_user_idx').on('mfa_factors').column('user_id').execute();

  await db.schema
    .createTable('mfa_recovery_codes')
    .addColumn('code_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('mfa_recovery_codes_user_idx')
    .on('mfa_recovery_codes')
    .column('user_id')
    .execute();

  await db.schema
    .createTable('mfa_challenges')
    .addColumn('id', 'text', (c) => c.primaryKey()) // SHA-256 of the token or challenge, base64url
    .addColumn('kind', 'text', (c) => c.notNull())
    // Null for a usernameless passkey challenge; erasing the user takes their challenges along.
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('data', 'text', (c) => c.notNull()) // JSON, never a secret in plain
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('consumed_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('mfa_challenges_expires_idx')
    .on('mfa_challenges')
    .column('expires_at')
    .execute();

  await db.schema
    .createTable('session_auth')
    .addColumn('session_id', 'text', (c) => c.primaryKey().references('sessions.id').onDelete('cascade'))
    .addColumn('amr', 'text', (c) => c.notNull()) // JSON array (RFC 8176 values)
    .addColumn('auth_time', 'bigint', (c) => c.notNull()) // ms
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['session_auth', 'mfa_challenges', 'mfa_recovery_codes', 'mfa_factors']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
