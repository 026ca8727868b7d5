// Users. The email column is UNIQUE; a violation becomes DuplicateEmailError so callers never
// parse driver errors. Roles are a JSON array in a text column (same on both dialects).
import { type Kysely, sql } from 'kysely';
import { DuplicateEmailError, type UserRecord, type UserStore } from '../types.js';
import type { SqlFlavor } from './flavor.js';
import { anotherEnabledHolder, lockEnabledHolders } from './role-guard.js';
import { parseStringArray, toUser } from './rows.js';
import type { Database } from './schema.js';

/** Escapes LIKE wildcards so a role name matches literally (ESCAPE '\'). */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

type UserPatch = Parameters<UserStore['update']>[1];

function columnValues(patch: UserPatch, flavor: SqlFlavor) {
  const values: Record<string, string | number | boolean | null> = { updated_at: patch.updatedAt };
  if (patch.roles !== undefined) values.roles = JSON.stringify(patch.roles);
  if (patch.disabled !== undefined) values.disabled = flavor.bool(patch.disabled);
  if (patch.passwordHash !== undefined) values.password_hash = patch.passwordHash;
  if (patch.passwordChangedAt !== undefined) values.password_changed_at = patch.passwordChangedAt;
  if (patch.emailVerifiedAt !== undefined) values.email_verified_at = patch.emailVerifiedAt;
  if (patch.claims !== undefined) values.claims = JSON.stringify(patch.claims);
  if (patch.email !== undefined) values.email = patch.email;
  return values;
}

export function createSqlUserStore(db: Kysely<Database>, flavor: SqlFlavor): UserStore {
  return {
    async create(user) {
      const record: UserRecord = {
        ...user,
        updatedAt: user.createdAt,
        passwordChangedAt: user.createdAt,
        emailVerifiedAt: user.emailVerifiedAt ?? null,
        claims: user.claims ?? {},
      };
      try {
        await db
          .insertInto('users')
          .values({
            id: record.id,
            email: record.email,
            password_hash: record.passwordHash,
            roles: JSON.stringify(record.roles),
            disabled: flavor.bool(record.disabled),
            created_at: record.createdAt,
            updated_at: record.updatedAt,
            password_changed_at: record.passwordChangedAt,
            claims: JSON.stringify(record.claims),
            email_verified_at: record.emailVerifiedAt ?? null,
          })
          .execute();
      } catch (err) {
        if (flavor.isUniqueViolation(err)) {
          // The id is caller-generated and random; a clash on it is a bug, not a taken email.
          const byEmail = await db
            .selectFrom('users')
            .select('id')
            .where('email', '=', record.email)
            .executeTakeFirst();
          if (byEmail) throw new DuplicateEmailError();
        }
        throw err;
      }
      return record;
    },

    async findById(id) {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toUser(row) : undefined;
    },

    async findByEmail(email) {
      const row = await db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
      return row ? toUser(row) : undefined;
    },

    async list({ limit, after }) {
      let query = db
        .selectFrom('users')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(Math.max(0, Math.floor(limit)));
      if (after !== undefined) {
        const anchor = await db
          .selectFrom('users')
          .select('created_at')
          .where('id', '=', after)
          .executeTakeFirst();
        if (!anchor) return [];
        const at = anchor.created_at;
        query = query.where((eb) =>
          eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', after)])]),
        );
      }
      return (await query.execute()).map(toUser);
    },

    async update(id, patch) {
      const values = columnValues(patch, flavor);
      let result: { numUpdatedRows: bigint };
      try {
        result = await db.updateTable('users').set(values).where('id', '=', id).executeTakeFirst();
      } catch (err) {
        // An email change onto an address another account holds.
        if (patch.email !== undefined && flavor.isUniqueViolation(err)) throw new DuplicateEmailError();
        throw err;
      }
      if (result.numUpdatedRows === 0n) return undefined;
      return this.findById(id);
    },

    async updateKeepingRole(id, role, patch) {
      const values = columnValues(patch, flavor);
      const outcome = await db.transaction().execute(async (trx) => {
        await lockEnabledHolders(trx, flavor, role);
        const result = await trx
          .updateTable('users')
          .set(values)
          .where('id', '=', id)
          .where(anotherEnabledHolder(flavor, id, role))
          .executeTakeFirst();
        if (result.numUpdatedRows === 1n) return 'updated';
        const exists = await trx.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst();
        return exists ? 'last_holder' : 'not_found';
      });
      if (outcome === 'last_holder') return outcome;
      return outcome === 'updated' ? this.findById(id) : undefined;
    },

    async countWithRole(role, opts) {
      // roles is a JSON array of strings: LIKE narrows to rows containing the quoted element
      // (SQLite's LIKE ignores ASCII case), then an exact check in JS decides.
      const pattern = `%${likeLiteral(JSON.stringify(role))}%`;
      let query = db
        .selectFrom('users')
        .select('roles')
        .where(sql<boolean>`roles like ${pattern} escape ${'\\'}`);
      if (opts?.enabledOnly) query = query.where('disabled', '=', flavor.bool(false));
      const rows = await query.execute();
      return rows.filter((row) => parseStringArray(row.roles).includes(role)).length;
    },
  };
}
