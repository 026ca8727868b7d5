// The revocation feed for @tessera/verify (docs/contracts.md): GET /v1/revocations?since=CURSOR
// (a page of entries, or a snapshot of every live entry without `since`) and
// GET /v1/revocations/stream (server-sent events; resumes from Last-Event-ID or ?since=).
// Callers: a client with `revocations:read` (HTTP Basic) or an admin's bearer token. A stream ends
// when its credential lapses (revocation/stream-guard.ts), and one caller may hold at most
// STREAMS_PER_CALLER streams on one instance (429 beyond).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { ApiError } from '../errors.js';
import { authenticateClientOrAdmin } from '../oauth/client-auth.js';
import { FEED_SCOPE, streamGuard } from '../revocation/stream-guard.js';
import { ErrorBody } from '../schemas/fields.js';
import { withMediaType } from '../schemas/media-types.js';
import { SECURITY } from '../schemas/security.js';
import { routeSchema } from '../schemas/zod-provider.js';
import type { RevocationRecord } from '../stores/types.js';

const PING_MS = 15_000;
/** How often an open stream re-checks its credential (disabling a client emits no feed event). */
export const STREAM_RECHECK_MS = 1_000;
/**
 * Open streams per credential owner (one client, or one admin) on one instance: one per verifier
 * process, with room for restarts overlapping; more replicas than this share no client.
 */
export const STREAMS_PER_CALLER = 20;
/** Open streams in all, on one instance. */
export const STREAMS_TOTAL = 1_000;
const cursorField = z.string().regex(/^\d{1,15}$/, 'must be a cursor returned by this feed');
// `cursor` / `next_cursor` are the API's paging names; `since` / `cursor` (in the answer) the
// feed's original ones, which @tessera/verify uses: both work, with the same values.
const FeedQuery = z.object({
  cursor: cursorField.optional().describe('the next_cursor of the previous page'),
  since: cursorField.optional().describe('the same as cursor'),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});
const EventStream = withMediaType(
  z.string().describe('`event: revocation` events; each `data` is one feed entry, each `id` its cursor'),
  'text/event-stream',
);
const StreamQuery = z.object({ cursor: cursorField.optional(), since: cursorField.optional() });
const FeedEntry = z.object({
  cursor: z.string(),
  type: z.enum(['jti', 'sid', 'sub', 'kid']),
  value: z.string(),
  iat_before: z.number().nullable().optional(),
  exp: z.number().describe('the last exp a covered token can carry (seconds)'),
});

/** The wire form of one entry. */
export function feedEntry(r: RevocationRecord) {
  return r.type === 'sub'
    ? { cursor: String(r.cursor), type: r.type, value: r.value, iat_before: r.iatBefore, exp: r.exp }
    : { cursor: String(r.cursor), type: r.type, value: r.value, exp: r.exp };
}

function sseEvent(r: RevocationRecord): string {
  return `event: revocation\nid: ${r.cursor}\ndata: ${JSON.stringify(feedEntry(r))}\n\n`;
}

export async function revocationsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const revocations = ctx.services.revocations;
  // Open streams end when the server closes, so a graceful shutdown does not wait on them.
  const open = new Set<() => void>();
  // Slots are taken before the first await, so concurrent opens cannot pass the caps together.
  const perCaller = new Map<string, number>();
  let total = 0;
  const release = (key: string) => {
    total -= 1;
    const left = (perCaller.get(key) ?? 1) - 1;
    if (left > 0) perCaller.set(key, left);
    else perCaller.delete(key);
  };
  app.addHook('preClose', async () => {
    for (const end of open) end();
  });

  const route = routeSchema(app);
  route.get(
    '/v1/revocations',
    {
      schema: {
        summary: 'The revocation feed: a page, or a snapshot without since',
        security: SECURITY.clientOrAdmin,
        querystring: FeedQuery,
        response: {
          200: z.object({
            revocations: z.array(FeedEntry),
            next_cursor: z.string().describe('where the next request resumes (the feed never ends)'),
            cursor: z.string().describe('the same as next_cursor'),
          }),
          400: ErrorBody,
          401: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      await authenticateClientOrAdmin(ctx, request, 'revocations:read');
      const q = request.query;
      const from = q.cursor ?? q.since;
      const page = await revocations.since(from === undefined ? 0 : Number(from), q.limit);
      reply.header('cache-control', 'no-store');
      const next = String(page.cursor);
      return { revocations: page.revocations.map(feedEntry), next_cursor: next, cursor: next };
    },
  );

  route.get(
    '/v1/revocations/stream',
    {
      schema: {
        summary: 'The revocation feed as server-sent events (text/event-stream)',
        security: SECURITY.clientOrAdmin,
        querystring: StreamQuery,
        response: { 200: EventStream, 401: ErrorBody, 429: ErrorBody },
      },
    },
    async (request, reply) => {
      const caller = await authenticateClientOrAdmin(ctx, request, FEED_SCOPE);
      const bearer = /^bearer /i.test(request.headers.authorization ?? '')
        ? request.headers.authorization?.slice(7).trim()
        : undefined;
      const guard = streamGuard(ctx, caller, bearer);
      const mine = perCaller.get(guard.key) ?? 0;
      if (mine >= STREAMS_PER_CALLER || total >= STREAMS_TOTAL) {
        throw new ApiError('rate_limited', {
          description: `too many open revocation streams (at most ${STREAMS_PER_CALLER} per caller)`,
          headers: { 'retry-after': '5' },
        });
      }
      perCaller.set(guard.key, mine + 1);
      total += 1;
      let released = false;
      const releaseOnce = () => {
        if (released) return;
        released = true;
        release(guard.key);
      };
      const q = request.query;
      const lastEventId = request.headers['last-event-id'];
      const resume =
        typeof lastEventId === 'string' && /^\d{1,15}$/.test(lastEventId)
          ? lastEventId
          : (q.cursor ?? q.since);
      let cursor = resume === undefined ? 0 : Number(resume);
      try {
        // A cursor ahead of the store (restored database) restarts from a snapshot.
        if (cursor > (await ctx.stores.revocations.latestCursor())) cursor = 0;
      } catch (err) {
        releaseOnce();
        throw err;
      }

      // Subscribe before reading the backlog so nothing falls between the two; the cursor drops
      // duplicates.
      const pending: RevocationRecord[] = [];
      let live = false;
      const raw = reply.raw;
      const send = (r: RevocationRecord) => {
        if (r.cursor <= cursor) return;
        cursor = r.cursor;
        raw.write(sseEvent(r));
      };
      // The token is re-checked in memory on every event (a revocation may be its own); the stored
      // user or client on a timer.
      let checking = false;
      const recheck = () => {
        if (checking || closed) return;
        checking = true;
        guard.stillAllowed().then(
          (ok) => {
            checking = false;
            if (!ok) end();
          },
          () => end(),
        );
      };
      const unsubscribe = revocations.subscribe((r) => {
        if (live) send(r);
        else pending.push(r);
        if (!closed && !guard.tokenStillValid()) end();
      });
      const ping = setInterval(() => raw.write(': ping\n\n'), PING_MS);
      ping.unref();
      const watch = setInterval(recheck, STREAM_RECHECK_MS);
      watch.unref();
      // The admin token's expiry ends the stream on time even between re-checks.
      const expiry =
        guard.expiresAt === undefined
          ? undefined
          : setTimeout(recheck, Math.max(0, Math.min(guard.expiresAt - ctx.clock.now(), 2 ** 31 - 1)));
      expiry?.unref();
      let closed = false;
      const close = () => {
        if (closed) return;
        closed = true;
        clearInterval(ping);
        clearInterval(watch);
        if (expiry) clearTimeout(expiry);
        unsubscribe();
        open.delete(end);
        releaseOnce();
      };
      function end() {
        close();
        raw.end();
      }
      open.add(end);
      request.raw.on('close', close);
      raw.on('close', close);

      reply.hijack();
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      raw.write('retry: 2000\n\n');
      try {
        for (;;) {
          const page = await revocations.since(cursor, 1000);
          for (const r of page.revocations) send(r);
          if (page.revocations.length < 1000) break;
        }
      } catch (err) {
        request.log.warn({ err }, 'revocation stream backlog failed');
        end();
        return;
      }
      live = true;
      for (const r of pending.splice(0)) send(r);
    },
  );
}
