// GET /v1/admin/audit?event=&sub=&since=&before=&limit=: the audit log, newest first. `since`
// is an ISO 8601 time or milliseconds since the epoch; `before` is the `next_before` of the
// previous page.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { isAuditEvent } from '../audit/actions.js';
import { requireRole } from '../plugins/authenticate.js';
import { ErrorBody } from '../schemas/fields.js';
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
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
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
      200: z.object({ events: z.array(AuditEvent), next_before: z.number().nullable() }),
      403: ErrorBody,
    },
  };
  routeSchema(app).get('/v1/admin/audit', { onRequest: admin, schema }, async (request) => {
    const q = request.query;
    const events = await ctx.stores.audit.query({
      limit: q.limit,
      ...(q.event ? { event: q.event } : {}),
      ...(q.sub ? { sub: q.sub } : {}),
      ...(q.since !== undefined ? { since: q.since } : {}),
      ...(q.before !== undefined ? { before: q.before } : {}),
    });
    return {
      events: events.map(describeEvent),
      next_before: events.length === q.limit ? (events.at(-1)?.id ?? null) : null,
    };
  });
}
