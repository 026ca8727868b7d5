// A named lock held as a lease row in `store_locks`, for SQLite. Why not one long write
// transaction (BEGIN IMMEDIATE)? better-sqlite3 gives each Stores a single connection, so the
// store calls made inside the locked section would wait behind the section itself. A lease row
// taken with one atomic upsert gives the same exclusion — between callers in this process, between
// two Stores on one file and between processes (`tessera keys rotate` next to `tessera serve`) —
// and a crashed holder's lease simply expires. The lease is renewed while `fn` runs.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface LeaseOptions {
  /** How long a lease lasts without renewal (a crashed holder blocks others this long). */
  leaseMs?: number;
  /** Poll interval while waiting for a busy lock. */
  pollMs?: number;
}

async function tryAcquire(
  db: Kysely<Database>,
  name: string,
  holder: string,
  leaseMs: number,
): Promise<boolean> {
  const now = Date.now();
  await db
    .insertInto('store_locks')
    .values({ name, holder, expires_at: now + leaseMs })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ holder, expires_at: now + leaseMs })
        .where('store_locks.expires_at', '<', now),
    )
    .execute();
  const row = await db.selectFrom('store_locks').select('holder').where('name', '=', name).executeTakeFirst();
  return row?.holder === holder;
}

export async function withLeaseLock<T>(
  db: Kysely<Database>,
  name: string,
  fn: () => Promise<T>,
  wait: boolean,
  opts: LeaseOptions = {},
): Promise<T | undefined> {
  const leaseMs = opts.leaseMs ?? 30_000;
  const pollMs = opts.pollMs ?? 20;
  const holder = randomUUID();
  while (!(await tryAcquire(db, name, holder, leaseMs))) {
    if (!wait) return undefined;
    await sleep(pollMs);
  }
  const renew = setInterval(
    () => {
      db.updateTable('store_locks')
        .set({ expires_at: Date.now() + leaseMs })
        .where('name', '=', name)
        .where('holder', '=', holder)
        .execute()
        .catch(() => {}); // a failed renewal only shortens the lease
    },
    Math.max(1, Math.floor(leaseMs / 3)),
  );
  renew.unref();
  try {
    return await fn();
  } finally {
    clearInterval(renew);
    await db.deleteFrom('store_locks').where('name', '=', name).where('holder', '=', holder).execute();
  }
}
