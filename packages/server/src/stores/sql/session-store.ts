// Sessions (= refresh-token families). Revocation is a conditional UPDATE (`revoked_at IS NULL`)
// so concurrent logouts agree on who revoked it.
import type { Kysely } from 'kysely';
import type { SessionRecord, SessionStore } from '../types.js';
import { toSession } from './rows.js';
import type { Database } from './schema.js';

export function createSqlSessionStore(db: Kysely<Database>): SessionStore {
  return {
    async create(session) {
      const record: SessionRecord = { ...session, revokedAt: null, revokedReason: null };
      await db
        .insertInto('sessions')
        .values({
          id: record.id,
          user_id: record.userId,
          device: record.device,
          user_agent: record.userAgent,
          ip: record.ip,
          created_at: record.createdAt,
          last_used_at: record.lastUsedAt,
          expires_at: record.expiresAt,
          revoked_at: null,
          revoked_reason: null,
        })
        .execute();
      return record;
    },

    async get(id) {
      const row = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toSession(row) : undefined;
    },

    async listActiveByUser(userId, now) {
      const rows = await db
        .selectFrom('sessions')
        .selectAll()
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
      return rows.map(toSession);
    },

    async touch(id, at, ip) {
      await db.updateTable('sessions').set({ last_used_at: at, ip }).where('id', '=', id).execute();
    },

    async revoke(id, at, reason) {
      const result = await db
        .updateTable('sessions')
        .set({ revoked_at: at, revoked_reason: reason })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async revokeAllForUser(userId, at, reason, exceptId) {
      // Live sessions only: an expired one covers no token that still verifies.
      let query = db
        .updateTable('sessions')
        .set({ revoked_at: at, revoked_reason: reason })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', at);
      if (exceptId !== undefined) query = query.where('id', '!=', exceptId);
      const rows = await query.returning('id').execute();
      return rows.map((row) => row.id);
    },
  };
}
