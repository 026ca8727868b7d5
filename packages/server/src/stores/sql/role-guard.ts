// The "last enabled holder of a role" guard (the last admin): a write that takes `role` away from a
// user happens only while another enabled user holds it, and the check and the write are one atomic
// step, so two admins demoting, disabling or erasing each other at the same instant never both pass.
// - The write carries the check in its own WHERE (`anotherEnabledHolder`). On SQLite that alone is
//   atomic: a write statement holds the database's single write lock from its start.
// - On PostgreSQL it is not: in READ COMMITTED the EXISTS reads a snapshot, and two updates of two
//   different rows do not wait for each other (write skew). So the transaction first locks every
//   enabled holder's row (`lockEnabledHolders`); a racing guard waits there, and its statements then
//   see the winner's commit. FOR NO KEY UPDATE, as an UPDATE takes: logins and refreshes of the
//   admins (inserts whose foreign key takes FOR KEY SHARE) are not blocked.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { SqlFlavor } from './flavor.js';
import type { Database } from './schema.js';

/** Whether the JSON array in `column` holds exactly `role` (no LIKE approximation). */
function holdsRole(flavor: SqlFlavor, column: string, role: string): RawBuilder<boolean> {
  return flavor.kind === 'postgres'
    ? sql<boolean>`(${sql.ref(column)})::jsonb @> ${JSON.stringify([role])}::jsonb`
    : sql<boolean>`exists (select 1 from json_each(${sql.ref(column)}) where json_each.value = ${role})`;
}

/** WHERE condition: some enabled user other than `id` holds `role`. */
export function anotherEnabledHolder(flavor: SqlFlavor, id: string, role: string): RawBuilder<boolean> {
  return sql<boolean>`exists (select 1 from users as holder where holder.id <> ${id}
    and holder.disabled = ${flavor.bool(false)} and ${holdsRole(flavor, 'holder.roles', role)})`;
}

/** PostgreSQL: locks the rows of every enabled holder of `role`, in id order (no deadlock). */
export async function lockEnabledHolders(trx: Kysely<Database>, flavor: SqlFlavor, role: string) {
  if (flavor.kind !== 'postgres') return;
  await sql`select id from users where disabled = ${flavor.bool(false)}
    and ${holdsRole(flavor, 'roles', role)} order by id for no key update`.execute(trx);
}
