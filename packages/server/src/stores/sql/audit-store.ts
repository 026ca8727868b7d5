// The audit log: append-only, read newest first with optional filters and id paging. Indexes on
// (event, id), (sub, id) and at back each filter (migrations/001-initial.ts).
import type { Kysely } from 'kysely';
import type { AuditStore } from '../types.js';
import { toAudit } from './rows.js';
import type { Database } from './schema.js';

export function createSqlAuditStore(db: Kysely<Database>): AuditStore {
  return {
    async append(entry) {
      await db
        .insertInto('audit_events')
        .values({
          at: entry.at,
          event: entry.event,
          sub: entry.sub,
          actor: entry.actor,
          ip: entry.ip,
          session_id: entry.sessionId,
          details: JSON.stringify(entry.details ?? {}),
        })
        .execute();
    },

    async query(filter) {
      let query = db
        .selectFrom('audit_events')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(Math.max(0, Math.floor(filter.limit)));
      if (filter.event !== undefined) query = query.where('event', '=', filter.event);
      if (filter.sub !== undefined) query = query.where('sub', '=', filter.sub);
      if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
      if (filter.before !== undefined) query = query.where('id', '<', filter.before);
      return (await query.execute()).map(toAudit);
    },
  };
}
