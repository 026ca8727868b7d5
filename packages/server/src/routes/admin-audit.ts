// GET /v1/admin/audit?event=&sub=&since=&limit=&cursor=: the audit log, newest first. `since`
// is an ISO 8601 time or milliseconds since the epoch; `cursor` is the `next_cursor` of the
// previous page (`before` / `next_before`, the names before paging was one style, still work).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { isAuditEvent } from '../audit/actions.js';
import { requireRole } from '../plugins/authenticate.js';
import { ErrorBody } from '../schemas/fields.js';
import { nextCursorField } from '../schemas/pagination.js';
import { routeSchema } from '../schemas/zod-provider.js';
import type { AuditRecord } from '../stores/types.js';

const instant = z
  .string()
  .max(40)
  .transform((value, zctx) => {
    const ms = /^\d{1,15}$/.test(value) ? Number(value) : Date.parse(value);
    if (!Number.isFinite(ms)) {
      zctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 time or epoch milliseconds' });
      return z.NEVER;
    }
    return ms;
  });

const AuditQuery = z.object({
  event: z
    .string()
    .max(64)
    .refine((e) => isAuditEvent(e), 'unknown audit event')
    .optional(),
  sub: z.string().min(1).max(200).optional(),
  since: instant.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z
    .string()
    .regex(/^[1-9]\d{0,15}$/, 'must be a next_cursor of this list')
    .optional()
    .describe('the next_cursor of the previous page'),
  before: z.coerce.number().int().positive().optional().describe('deprecated: use cursor'),
});

function describeEvent(e: AuditRecord) {
  return {
    id: e.id,
    at: new Date(e.at).toISOString(),
    event: e.event,
    sub: e.sub,
    actor: e.actor,
    ip: e.ip,
    session_id: e.sessionId,
    details: e.details,
  };
}

export async function adminAuditRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const admin = requireRole(ctx, 'admin');
  const AuditEvent = z.object({
    id: z.number(),
    at: z.string(),
    event: z.string(),
    sub: z.string().nullable(),
    actor: z.string().nullable(),
    ip: z.string().nullable(),
    session_id: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  });
  const schema = {
    summary: 'The audit log, newest first',
    querystring: AuditQuery,
    response: {
      200: z.object({
        events: z.array(AuditEvent),
        next_cursor: nextCursorField,
        next_before: z.number().nullable().describe('deprecated: same as next_cursor, as a number'),
      }),
      403: ErrorBody,
    },
  };
  routeSchema(app).get('/v1/admin/audit', { onRequest: admin, schema }, async (request) => {
    const q = request.query;
    const before = q.cursor !== undefined ? Number(q.cursor) : q.before;
    const events = await ctx.stores.audit.query({
      limit: q.limit,
      ...(q.event ? { event: q.event } : {}),
      ...(q.sub ? { sub: q.sub } : {}),
      ...(q.since !== undefined ? { since: q.since } : {}),
      ...(before !== undefined ? { before } : {}),
    });
    const last = events.length === q.limit ? (events.at(-1)?.id ?? null) : null;
    return {
      events: events.map(describeEvent),
      next_cursor: last === null ? null : String(last),
      next_before: last,
    };
  });
}
