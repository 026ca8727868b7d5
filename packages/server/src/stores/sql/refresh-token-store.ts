// Refresh tokens, stored by hash only. `consume` is the one-time-use primitive: a single
// transaction whose conditional UPDATE (`spent_at IS NULL`) decides the winner; the affected-row
// count is the truth, so two concurrent presentations never both rotate, on either dialect.
import type { Kysely } from 'kysely';
import type { ConsumeResult, RefreshTokenRecord, RefreshTokenStore } from '../types.js';
import type { SqlFlavor } from './flavor.js';
import { toRefreshToken } from './rows.js';
import type { Database } from './schema.js';

type NewToken = Omit<RefreshTokenRecord, 'spentAt' | 'successorHash'>;

function toRow(token: NewToken) {
  return {
    hash: token.hash,
    session_id: token.sessionId,
    user_id: token.userId,
    created_at: token.createdAt,
    expires_at: token.expiresAt,
    spent_at: null,
    successor_hash: null,
  };
}

export function createSqlRefreshTokenStore(db: Kysely<Database>, flavor: SqlFlavor): RefreshTokenStore {
  return {
    rotate: (request) => flavor.rotateRefresh(request),

    async insert(token) {
      await db.insertInto('refresh_tokens').values(toRow(token)).execute();
    },

    async get(hash) {
      const row = await db
        .selectFrom('refresh_tokens')
        .selectAll()
        .where('hash', '=', hash)
        .executeTakeFirst();
      return row ? toRefreshToken(row) : undefined;
    },

    async consume(hash, at, successor): Promise<ConsumeResult> {
      return db.transaction().execute(async (trx) => {
        const spent = await trx
          .updateTable('refresh_tokens')
          .set({ spent_at: at, successor_hash: successor.hash })
          .where('hash', '=', hash)
          .where('spent_at', 'is', null)
          .executeTakeFirst();
        const row = await trx
          .selectFrom('refresh_tokens')
          .selectAll()
          .where('hash', '=', hash)
          .executeTakeFirst();
        if (!row) return { status: 'unknown' };
        if (spent.numUpdatedRows === 0n) return { status: 'spent', token: toRefreshToken(row) };
        await trx.insertInto('refresh_tokens').values(toRow(successor)).execute();
        return { status: 'rotated', token: toRefreshToken(row) };
      });
    },

    async revokeFamily(sessionId) {
      // Deleted, not flagged: a token of a revoked family is then 'unknown', and the session row
      // (revoked by the caller) keeps the why and when.
      const result = await db
        .deleteFrom('refresh_tokens')
        .where('session_id', '=', sessionId)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async deleteExpired(now) {
      const result = await db.deleteFrom('refresh_tokens').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
