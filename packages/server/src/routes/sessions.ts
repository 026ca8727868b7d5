// GET /v1/sessions: the caller's live sessions; DELETE /v1/sessions/:id revokes one of them.
// A session's `id` is the `sid` of its access tokens; `current` marks the caller's own.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { ApiError } from '../errors.js';
import { clearRefreshCookie } from '../http/refresh-cookie.js';
import { requireAuth } from '../plugins/authenticate.js';
import { ErrorBody, NoContent } from '../schemas/fields.js';
import { nextCursorField, pageOf, pageQuery } from '../schemas/pagination.js';
import { routeSchema } from '../schemas/zod-provider.js';
import type { SessionRecord } from '../stores/types.js';

const SessionView = z.object({
  id: z.string(),
  current: z.boolean(),
  device: z.string(),
  ip: z.string(),
  created_at: z.string(),
  last_used_at: z.string(),
  expires_at: z.string(),
});
export type SessionView = z.infer<typeof SessionView>;

// Ids longer than any session id are simply unknown (404), as before.
const SessionParams = z.object({ id: z.string() });

export function sessionView(session: SessionRecord, currentSid: string | undefined): SessionView {
  return {
    id: session.id,
    current: session.id === currentSid,
    device: session.device,
    ip: session.ip,
    created_at: new Date(session.createdAt).toISOString(),
    last_used_at: new Date(session.lastUsedAt).toISOString(),
    expires_at: new Date(session.expiresAt).toISOString(),
  };
}

export async function sessionsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const auth = requireAuth(ctx);
  const route = routeSchema(app);

  route.get(
    '/v1/sessions',
    {
      onRequest: auth,
      schema: {
        summary: "The caller's live sessions",
        querystring: pageQuery(100, 500),
        response: {
          200: z.object({ sessions: z.array(SessionView), next_cursor: nextCursorField }),
          400: ErrorBody,
          401: ErrorBody,
        },
      },
    },
    async (request) => {
      const caller = request.auth!;
      const list = await ctx.services.sessions.listActive(caller.sub);
      const page = pageOf(list, (s) => s.id, request.query);
      return { sessions: page.items.map((s) => sessionView(s, caller.sid)), next_cursor: page.next_cursor };
    },
  );

  route.delete(
    '/v1/sessions/:id',
    {
      onRequest: auth,
      schema: {
        summary: 'Revoke one of the caller’s sessions',
        params: SessionParams,
        response: { 204: NoContent, 401: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const caller = request.auth!;
      const id = request.params.id;
      const session = id.length <= 64 ? await ctx.stores.sessions.get(id) : undefined;
      // Someone else's session is "not found", so ids cannot be probed.
      if (!session || session.userId !== caller.sub || session.revokedAt !== null)
        throw new ApiError('not_found');
      await ctx.services.sessions.revoke(id, 'user', { event: 'session_revoked', ip: request.ip });
      if (id === caller.sid) clearRefreshCookie(reply, ctx.config.cookieSecure);
      return reply.code(204).send();
    },
  );
}
