// Second-factor storage on SQLite and PostgreSQL (one Kysely implementation). Single use is
// enforced by conditional UPDATEs, so two instances racing on the same code agree on one winner.
import type { Kysely, Selectable } from 'kysely';
import type { ChallengeRecord, FactorRecord, MfaStore } from '../../mfa/mfa-store.js';
import type { Database, MfaChallengesTable, MfaFactorsTable } from './schema.js';

const num = (v: number | string): number => Number(v);
const numOrNull = (v: number | string | null): number | null => (v === null ? null : Number(v));

function toFactor(row: Selectable<MfaFactorsTable>): FactorRecord {
  return {
    id: row.id,
    userId: row.user_id,
    type: row.type as FactorRecord['type'],
    name: row.name,
    createdAt: num(row.created_at),
    confirmedAt: numOrNull(row.confirmed_at),
    lastUsedAt: numOrNull(row.last_used_at),
    secretEnc: row.secret_enc,
    lastStep: numOrNull(row.last_step),
    credentialId: row.credential_id,
    publicKey: row.public_key,
    counter: numOrNull(row.counter),
    transports: row.transports ? (JSON.parse(row.transports) as string[]) : [],
    deviceType: row.device_type,
  };
}

function toChallenge(row: Selectable<MfaChallengesTable>): ChallengeRecord {
  return {
    id: row.id,
    kind: row.kind,
    userId: row.user_id,
    data: JSON.parse(row.data) as Record<string, unknown>,
    createdAt: num(row.created_at),
    expiresAt: num(row.expires_at),
    consumedAt: numOrNull(row.consumed_at),
  };
}

export function createSqlMfaStore(db: Kysely<Database>): MfaStore {
  return {
    async insertFactor(f) {
      await db
        .insertInto('mfa_factors')
        .values({
          id: f.id,
          user_id: f.userId,
          type: f.type,
          name: f.name,
          created_at: f.createdAt,
          confirmed_at: f.confirmedAt,
          last_used_at: null,
          secret_enc: f.secretEnc,
          last_step: null,
          credential_id: f.credentialId,
          public_key: f.publicKey,
          counter: f.counter,
          transports: f.transports.length > 0 ? JSON.stringify(f.transports) : null,
          device_type: f.deviceType,
        })
        .execute();
      return { ...f, lastUsedAt: null, lastStep: null };
    },

    async getFactor(id) {
      const row = await db.selectFrom('mfa_factors').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toFactor(row) : undefined;
    },

    async findByCredentialId(credentialId) {
      const row = await db
        .selectFrom('mfa_factors')
        .selectAll()
        .where('credential_id', '=', credentialId)
        .executeTakeFirst();
      return row ? toFactor(row) : undefined;
    },

    async listFactors(userId) {
      const rows = await db
        .selectFrom('mfa_factors')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at', 'asc')
        .orderBy('id', 'asc')
        .execute();
      return rows.map(toFactor);
    },

    async confirmFactor(id, at) {
      const r = await db
        .updateTable('mfa_factors')
        .set({ confirmed_at: at, last_used_at: at })
        .where('id', '=', id)
        .where('confirmed_at', 'is', null)
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    async deleteFactor(id) {
      const r = await db.deleteFrom('mfa_factors').where('id', '=', id).executeTakeFirst();
      return r.numDeletedRows > 0n;
    },

    async deleteAllForUser(userId) {
      return db.transaction().execute(async (trx) => {
        await trx.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
        const r = await trx.deleteFrom('mfa_factors').where('user_id', '=', userId).executeTakeFirst();
        return Number(r.numDeletedRows);
      });
    },

    async useTotpStep(id, step, at) {
      const r = await db
        .updateTable('mfa_factors')
        .set({ last_step: step, last_used_at: at })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    async useCredential(id, expected, next, at) {
      const r = await db
        .updateTable('mfa_factors')
        .set({ counter: next, last_used_at: at })
        .where('id', '=', id)
        .where('counter', '=', expected)
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    async replaceRecoveryCodes(userId, hashes, at) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
        if (hashes.length === 0) return;
        await trx
          .insertInto('mfa_recovery_codes')
          .values(hashes.map((h) => ({ code_hash: h, user_id: userId, created_at: at, used_at: null })))
          .execute();
      });
    },

    async useRecoveryCode(userId, hash, at) {
      const r = await db
        .updateTable('mfa_recovery_codes')
        .set({ used_at: at })
        .where('code_hash', '=', hash)
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    async countUnusedRecoveryCodes(userId) {
      const row = await db
        .selectFrom('mfa_recovery_codes')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    async insertChallenge(c) {
      await db
        .insertInto('mfa_challenges')
        .values({
          id: c.id,
          kind: c.kind,
          user_id: c.userId,
          data: JSON.stringify(c.data),
          created_at: c.createdAt,
          expires_at: c.expiresAt,
          consumed_at: null,
        })
        .execute();
    },

    async getChallenge(id, kind, now) {
      const row = await db
        .selectFrom('mfa_challenges')
        .selectAll()
        .where('id', '=', id)
        .where('kind', '=', kind)
        .where('consumed_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return row ? toChallenge(row) : undefined;
    },

    async consumeChallenge(id, kind, now) {
      const row = await db
        .updateTable('mfa_challenges')
        .set({ consumed_at: now })
        .where('id', '=', id)
        .where('kind', '=', kind)
        .where('consumed_at', 'is', null)
        .where('expires_at', '>', now)
        .returningAll()
        .executeTakeFirst();
      return row ? toChallenge(row) : undefined;
    },

    async deleteExpiredChallenges(now) {
      const r = await db.deleteFrom('mfa_challenges').where('expires_at', '<=', now).executeTakeFirst();
      return Number(r.numDeletedRows);
    },

    async getSessionAuth(sessionId) {
      const row = await db
        .selectFrom('session_auth')
        .selectAll()
        .where('session_id', '=', sessionId)
        .executeTakeFirst();
      return row ? { amr: JSON.parse(row.amr) as string[], authTime: num(row.auth_time) } : undefined;
    },

    async setSessionAuth(sessionId, auth) {
      const values = { amr: JSON.stringify(auth.amr), auth_time: auth.authTime };
      await db
        .insertInto('session_auth')
        .values({ session_id: sessionId, ...values })
        .onConflict((oc) => oc.column('session_id').doUpdateSet(values))
        .execute();
    },
  };
}
