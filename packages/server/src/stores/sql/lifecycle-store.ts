// LifecycleStore on Kysely (SQLite and PostgreSQL): mail tokens with an atomic single-use spend,
// erasure in one transaction, export, and the batched lookups and inserts of the importer.
import type { Kysely } from 'kysely';
import type { LifecycleStore, MailTokenKind, MailTokenRecord } from '../lifecycle-types.js';
import type { UserRecord } from '../types.js';
import type { SqlFlavor } from './flavor.js';
import { num, numOrNull, toAudit, toSession, toUser } from './rows.js';
import type { Database, MailTokensTable } from './schema.js';

function toMailToken(row: MailTokensTable): MailTokenRecord {
  return {
    hash: row.hash,
    userId: row.user_id,
    kind: row.kind as MailTokenKind,
    email: row.email,
    createdAt: num(row.created_at),
    expiresAt: num(row.expires_at),
    usedAt: numOrNull(row.used_at),
  };
}

export function createSqlLifecycleStore(db: Kysely<Database>, flavor: SqlFlavor): LifecycleStore {
  const userRow = (u: UserRecord) => ({
    id: u.id,
    email: u.email,
    password_hash: u.passwordHash,
    roles: JSON.stringify(u.roles),
    disabled: flavor.bool(u.disabled),
    created_at: u.createdAt,
    updated_at: u.updatedAt,
    password_changed_at: u.passwordChangedAt,
    email_verified_at: u.emailVerifiedAt ?? null,
    claims: JSON.stringify(u.claims ?? {}),
  });

  return {
    async issueMailToken(token) {
      await db.transaction().execute(async (trx) => {
        await trx
          .deleteFrom('mail_tokens')
          .where('user_id', '=', token.userId)
          .where('kind', '=', token.kind)
          .execute();
        await trx
          .insertInto('mail_tokens')
          .values({
            hash: token.hash,
            user_id: token.userId,
            kind: token.kind,
            email: token.email,
            created_at: token.createdAt,
            expires_at: token.expiresAt,
            used_at: null,
          })
          .execute();
      });
    },

    async findMailToken(hash) {
      const row = await db.selectFrom('mail_tokens').selectAll().where('hash', '=', hash).executeTakeFirst();
      return row ? toMailToken(row) : undefined;
    },

    async consumeMailToken(hash, kind, now) {
      // The conditional UPDATE decides the single winner; the row is read afterwards.
      const result = await db
        .updateTable('mail_tokens')
        .set({ used_at: now })
        .where('hash', '=', hash)
        .where('kind', '=', kind)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      if (result.numUpdatedRows !== 1n) return undefined;
      const row = await db.selectFrom('mail_tokens').selectAll().where('hash', '=', hash).executeTakeFirst();
      return row ? toMailToken(row) : undefined;
    },

    async deleteMailTokens(userId, kind) {
      let query = db.deleteFrom('mail_tokens').where('user_id', '=', userId);
      if (kind !== undefined) query = query.where('kind', '=', kind);
      const result = await query.executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async deleteExpiredMailTokens(now) {
      const result = await db
        .deleteFrom('mail_tokens')
        .where((eb) => eb.or([eb('expires_at', '<=', now), eb('used_at', 'is not', null)]))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async eraseUser(id) {
      return db.transaction().execute(async (trx) => {
        const exists = await trx.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst();
        if (!exists) return false;
        await trx.deleteFrom('refresh_tokens').where('user_id', '=', id).execute();
        await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
        await trx.deleteFrom('mail_tokens').where('user_id', '=', id).execute();
        await trx.deleteFrom('users').where('id', '=', id).execute();
        // The trail of what happened stays; who they were (IP, session, details such as an
        // address or device) goes. Rows where they acted on others keep the actor id only.
        await trx
          .updateTable('audit_events')
          .set({ ip: null, session_id: null, details: '{}' })
          .where('sub', '=', id)
          .execute();
        await trx.updateTable('audit_events').set({ ip: null }).where('actor', '=', id).execute();
        return true;
      });
    },

    async exportUser(id) {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) return undefined;
      const sessions = await db
        .selectFrom('sessions')
        .selectAll()
        .where('user_id', '=', id)
        .orderBy('created_at', 'desc')
        .execute();
      const audit = await db
        .selectFrom('audit_events')
        .selectAll()
        .where('sub', '=', id)
        .orderBy('id', 'desc')
        .limit(10_000)
        .execute();
      const tokens = await db.selectFrom('mail_tokens').selectAll().where('user_id', '=', id).execute();
      return {
        user: toUser(row),
        sessions: sessions.map(toSession),
        audit: audit.map(toAudit),
        mailTokens: tokens.map((t) => {
          const { kind, email, createdAt, expiresAt, usedAt } = toMailToken(t);
          return { kind, email, createdAt, expiresAt, usedAt };
        }),
      };
    },

    async findUsers(emails, ids) {
      if (emails.length === 0 && ids.length === 0) return [];
      const rows = await db
        .selectFrom('users')
        .selectAll()
        .where((eb) =>
          eb.or([
            ...(emails.length > 0 ? [eb('email', 'in', [...emails])] : []),
            ...(ids.length > 0 ? [eb('id', 'in', [...ids])] : []),
          ]),
        )
        .execute();
      return rows.map(toUser);
    },

    async insertUsers(users) {
      if (users.length === 0) return;
      await db.transaction().execute(async (trx) => {
        // Chunks keep each statement under SQLite's and PostgreSQL's bound-parameter limits.
        for (let i = 0; i < users.length; i += 100) {
          await trx
            .insertInto('users')
            .values(users.slice(i, i + 100).map(userRow))
            .execute();
        }
      });
    },
  };
}
