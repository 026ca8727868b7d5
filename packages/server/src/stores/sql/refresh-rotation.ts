// The refresh hot path (RefreshTokenStore.rotate) written per engine, with prepared statements,
// because it runs on every refresh: the other stores go through Kysely, whose query building and
// compiling costs more CPU per query than SQLite spends executing it.
// - SQLite: five prepared better-sqlite3 statements in one BEGIN IMMEDIATE transaction, run while
//   holding Kysely's connection (so it never interleaves with a Kysely transaction). Group commit:
//   the rotations requested in one event-loop turn share that transaction, each in its own
//   savepoint, so concurrent refreshes pay for one commit (its WAL frames and locks) between them.
// - PostgreSQL: one statement (data-modifying CTEs), prepared by name on each pooled connection:
//   one round trip, atomic on its own. It can also take the per-IP refresh limit's counter
//   (RotationRequest.limit) when the rate-limit table is in the same database. Only a lost race
//   (another request spent the token between this statement's snapshot and its update) costs a
//   second read.
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import { RATE_LIMIT_TABLE } from '../../../migrations/002-rate-limits.js';
import { type RotationRequest, type RotationResult, StorageUnavailableError } from '../types.js';
import type { CommitGate } from './commit-gate.js';
import { toRefreshToken, toSession, toUser } from './rows.js';
import type { Database } from './schema.js';
import { isUnavailableError } from './unavailable.js';

export type RefreshRotation = (request: RotationRequest) => Promise<RotationResult>;

/** The joined row: token, session (s_*) and user (u_*) columns, and the successor's expiry. */
interface JoinedRow {
  hash: string;
  session_id: string;
  user_id: string;
  created_at: number | string;
  expires_at: number | string;
  spent_at: number | string | null;
  successor_hash: string | null;
  s_device: string;
  s_user_agent: string;
  s_ip: string;
  s_created_at: number | string;
  s_last_used_at: number | string;
  s_expires_at: number | string;
  s_revoked_at: number | string | null;
  s_revoked_reason: string | null;
  u_email: string;
  u_password_hash: string;
  u_roles: string;
  u_disabled: boolean | number;
  u_created_at: number | string;
  u_updated_at: number | string;
  u_password_changed_at: number | string;
  u_claims: string | null;
  sa_amr: string | null;
  sa_auth_time: number | string | null;
  next_expires_at: number | string | null;
}

const JOINED_COLUMNS = `rt.hash, rt.session_id, rt.user_id, rt.created_at, rt.expires_at, rt.spent_at,
  rt.successor_hash, s.device as s_device, s.user_agent as s_user_agent, s.ip as s_ip,
  s.created_at as s_created_at, s.last_used_at as s_last_used_at, s.expires_at as s_expires_at,
  s.revoked_at as s_revoked_at, s.revoked_reason as s_revoked_reason, u.email as u_email,
  u.password_hash as u_password_hash, u.roles as u_roles, u.disabled as u_disabled,
  u.created_at as u_created_at, u.updated_at as u_updated_at,
  u.password_changed_at as u_password_changed_at, u.claims as u_claims, sa.amr as sa_amr,
  sa.auth_time as sa_auth_time, nx.expires_at as next_expires_at`;

const JOINED_FROM = `from refresh_tokens rt
  join sessions s on s.id = rt.session_id
  join users u on u.id = rt.user_id
  left join session_auth sa on sa.session_id = rt.session_id
  left join refresh_tokens nx on nx.hash = rt.successor_hash`;

function result(status: 'rotated' | 'not_rotated', row: JoinedRow, successorExpiresAt: number | null) {
  return {
    status,
    token: toRefreshToken(row),
    session: toSession({
      id: row.session_id,
      user_id: row.user_id,
      device: row.s_device,
      user_agent: row.s_user_agent,
      ip: row.s_ip,
      created_at: row.s_created_at,
      last_used_at: row.s_last_used_at,
      expires_at: row.s_expires_at,
      revoked_at: row.s_revoked_at,
      revoked_reason: row.s_revoked_reason,
    } as Parameters<typeof toSession>[0]),
    user: toUser({
      id: row.user_id,
      email: row.u_email,
      password_hash: row.u_password_hash,
      roles: row.u_roles,
      disabled: row.u_disabled,
      created_at: row.u_created_at,
      updated_at: row.u_updated_at,
      password_changed_at: row.u_password_changed_at,
      claims: row.u_claims,
    } as Parameters<typeof toUser>[0]),
    successorExpiresAt,
    // The session's amr/auth_time, read in the same joined read (no second query for the claims).
    auth:
      row.sa_amr === null
        ? null
        : { amr: JSON.parse(row.sa_amr) as string[], authTime: Number(row.sa_auth_time) },
  } satisfies RotationResult;
}

const n = (v: number | string | null): number | null => (v === null ? null : Number(v));

/** Whether the token may rotate now: unspent, unexpired, session live, user enabled. */
function rotatable(row: JoinedRow, now: number): boolean {
  return (
    row.spent_at === null &&
    Number(row.expires_at) > now &&
    row.s_revoked_at === null &&
    Number(row.s_expires_at) > now &&
    !(row.u_disabled === true || row.u_disabled === 1)
  );
}

export function sqliteRefreshRotation(
  database: BetterSqlite3.Database,
  db: Kysely<Database>,
  gate?: CommitGate,
): RefreshRotation {
  // Prepared on first use (the tables exist only after the migrations ran).
  let statements:
    | {
        read: BetterSqlite3.Statement;
        spend: BetterSqlite3.Statement;
        insert: BetterSqlite3.Statement;
        touch: BetterSqlite3.Statement;
        audit: BetterSqlite3.Statement;
        run: (items: readonly PendingRotation[]) => Outcome[];
      }
    | undefined;

  function prepare() {
    const read = database.prepare(`select ${JOINED_COLUMNS} ${JOINED_FROM} where rt.hash = ?`);
    const spend = database.prepare(
      'update refresh_tokens set spent_at = ?, successor_hash = ? where hash = ? and spent_at is null',
    );
    const insert = database.prepare(
      `insert into refresh_tokens (hash, session_id, user_id, created_at, expires_at, spent_at, successor_hash)
       values (?, ?, ?, ?, ?, null, null)`,
    );
    const touch = database.prepare(
      'update sessions set last_used_at = ?, ip = ?, user_agent = coalesce(?, user_agent) where id = ?',
    );
    const audit = database.prepare(
      `insert into audit_events (at, event, sub, actor, ip, session_id, details)
       values (?, 'refresh_succeeded', ?, null, ?, ?, '{}')`,
    );
    const transaction = database.transaction((req: RotationRequest): RotationResult => {
      const row = read.get(req.hash) as JoinedRow | undefined;
      if (!row) return { status: 'unknown' };
      if (!rotatable(row, req.now)) return result('not_rotated', row, n(row.next_expires_at));
      // Under BEGIN IMMEDIATE nobody else writes meanwhile; the condition stays as the guarantee.
      if (spend.run(req.now, req.successorHash, req.hash).changes !== 1) {
        return result('not_rotated', read.get(req.hash) as JoinedRow, null);
      }
      const expiresAt = Math.min(req.successorExpiresAt, Number(row.s_expires_at));
      insert.run(req.successorHash, row.session_id, row.user_id, req.now, expiresAt);
      touch.run(req.now, req.ip, req.userAgent ?? null, row.session_id);
      audit.run(req.now, row.user_id, req.ip, row.session_id);
      return result('rotated', row, expiresAt);
    });
    // Called inside the batch's transaction, `transaction` runs as a savepoint: a rotation that
    // throws rolls back only its own writes and fails only its own caller.
    const batch = database.transaction((items: readonly PendingRotation[]): Outcome[] =>
      items.map((item): Outcome => {
        try {
          return { ok: true, value: transaction(item.request) };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    );
    // BEGIN IMMEDIATE: take the write lock first, so another process cannot interleave. A batch of
    // one (a lone refresh, the common case below capacity) runs without the savepoint: two
    // statements less, and a failure still fails only its own caller.
    const run = (items: readonly PendingRotation[]): Outcome[] => {
      if (items.length !== 1) return batch.immediate(items);
      try {
        return [{ ok: true, value: transaction.immediate((items[0] as PendingRotation).request) }];
      } catch (error) {
        return [{ ok: false, error }];
      }
    };
    return { read, spend, insert, touch, audit, run };
  }

  let pending: PendingRotation[] = [];
  function flush() {
    // While the WAL checkpoint thread rewinds the log, the rotations wait here, then share a commit.
    if (gate?.held) {
      gate.released().then(flush);
      return;
    }
    const items = pending.length > MAX_BATCH ? pending.splice(0, MAX_BATCH) : pending;
    if (items === pending) pending = [];
    else setImmediate(flush);
    // Holding Kysely's connection: no Kysely transaction is open while this one runs.
    db.connection()
      .execute(async () => {
        statements ??= prepare();
        return statements.run(items);
      })
      .then(
        (outcomes) => {
          outcomes.forEach((o, i) => {
            const item = items[i] as PendingRotation;
            if (o.ok) item.resolve(o.value);
            else item.reject(o.error);
          });
        },
        (err: unknown) => {
          for (const item of items) item.reject(err);
        },
      );
  }

  // Flushed in the check phase (setImmediate): after every request read in this poll phase has
  // reached here, so one commit serves all of them; a lone refresh waits for nothing else.
  return (request) =>
    new Promise<RotationResult>((resolve, reject) => {
      // The rate-limit counters of a SQLite server are in its memory, never in this database.
      if (request.limit) throw new Error('a SQLite store takes no inline rate-limit counter');
      if (pending.push({ request, resolve, reject }) === 1) setImmediate(flush);
    });
}

/** Rotations per shared transaction at most (bounds how long one commit holds the write lock). */
const MAX_BATCH = 64;

interface PendingRotation {
  request: RotationRequest;
  resolve(result: RotationResult): void;
  reject(err: unknown): void;
}

type Outcome = { ok: true; value: RotationResult } | { ok: false; error: unknown };

// The per-IP refresh limit, when its counter is taken here (RotationRequest.limit): the upsert of
// rate-limiter-flexible's RateLimiterPostgres on the same row and with the same arithmetic (a new
// window when the old one has ended), so both paths count together; the spend waits on its count.
const PG_COUNT = `rl as (
  insert into ${RATE_LIMIT_TABLE} as c (key, points, expire) values ($7, 1, $10)
  on conflict (key) do update set
    points = case when c.expire <= $9 then 1 else c.points + 1 end,
    expire = case when c.expire <= $9 then $10 else c.expire end
  returning points, expire
), `;

function pgRotate(counted: boolean): string {
  return `with ${counted ? PG_COUNT : ''}cur as (
  select ${JOINED_COLUMNS} ${JOINED_FROM} where rt.hash = $1
), spent as (
  update refresh_tokens set spent_at = $2, successor_hash = $3
  where hash = $1 and spent_at is null ${counted ? 'and (select points from rl) <= $8 ' : ''}and exists (
    select 1 from cur where cur.expires_at > $2 and cur.s_revoked_at is null
      and cur.s_expires_at > $2 and not cur.u_disabled)
  returning session_id, user_id
), successor as (
  insert into refresh_tokens (hash, session_id, user_id, created_at, expires_at, spent_at, successor_hash)
  select $3, spent.session_id, spent.user_id, $2, least($4::bigint, cur.s_expires_at), null, null
  from spent, cur
), touched as (
  update sessions set last_used_at = $2, ip = $5, user_agent = coalesce($6, user_agent)
  where id = (select session_id from spent)
), audited as (
  insert into audit_events (at, event, sub, actor, ip, session_id, details)
  select $2, 'refresh_succeeded', spent.user_id, null, $5, spent.session_id, '{}' from spent
)
${
  counted
    ? 'select cur.*, (select count(*) from spent)::int as rotated, rl.points as rl_points, rl.expire as rl_expire from rl left join cur on true'
    : 'select cur.*, (select count(*) from spent)::int as rotated from cur'
}`;
}

const PG_ROTATE = pgRotate(false);
const PG_ROTATE_COUNTED = pgRotate(true);

const PG_REREAD = `select ${JOINED_COLUMNS} ${JOINED_FROM} where rt.hash = $1`;

// A PostgreSQL outage must surface as 503, like the Kysely stores' errors (unavailable.ts).
function unavailable(err: unknown): never {
  if (err instanceof StorageUnavailableError || !isUnavailableError(err)) throw err;
  throw new StorageUnavailableError({ cause: err });
}

export function postgresRefreshRotation(pool: pg.Pool): RefreshRotation {
  return async (req) => {
    const limit = req.limit;
    const values = [
      req.hash,
      req.now,
      req.successorHash,
      req.successorExpiresAt,
      req.ip,
      req.userAgent ?? null,
    ];
    const { rows } = await pool
      .query<JoinedRow & { rotated: number; rl_points?: number; rl_expire?: number | string }>(
        limit
          ? {
              name: 'tessera_refresh_rotate_counted',
              text: PG_ROTATE_COUNTED,
              values: [...values, limit.key, limit.points, limit.now, limit.now + limit.durationMs],
            }
          : { name: 'tessera_refresh_rotate', text: PG_ROTATE, values },
      )
      .catch(unavailable);
    const row = rows[0];
    // The counted statement always returns its counter's row (the joined columns null for an
    // unknown token); over the limit nothing else was done.
    if (!limit || !row) return settleRow(pool, req, row);
    const counted = { consumedPoints: Number(row.rl_points), expiresAt: Number(row.rl_expire) };
    if (counted.consumedPoints > limit.points) return { status: 'limited', counted };
    return { ...(await settleRow(pool, req, row)), counted };
  };
}

/** The rotation's outcome from the statement's row: a lost race costs a second read. */
async function settleRow(
  pool: pg.Pool,
  req: RotationRequest,
  row: (JoinedRow & { rotated: number }) | undefined,
): Promise<RotationResult> {
  if (!row || row.hash === null) return { status: 'unknown' };
  if (row.rotated === 1) {
    return result('rotated', row, Math.min(req.successorExpiresAt, Number(row.s_expires_at)));
  }
  if (!rotatable(row, req.now)) return result('not_rotated', row, n(row.next_expires_at));
  // Our snapshot saw it unspent but another request spent it first: read what that one wrote.
  const again = await pool
    .query<JoinedRow>({ name: 'tessera_refresh_reread', text: PG_REREAD, values: [req.hash] })
    .catch(unavailable);
  const now = again.rows[0];
  return now ? result('not_rotated', now, n(now.next_expires_at)) : { status: 'unknown' };
}
