// GET /healthz: the process answers (liveness). GET /readyz: storage answers and a signing key
// is loaded (readiness: take the instance out of the load balancer when it fails).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { routeSchema } from '../schemas/zod-provider.js';

const Health = z.object({ status: z.string() });
const Ready = z.object({ status: z.string(), checks: z.record(z.string(), z.string()) });

const PING_TIMEOUT_MS = 2000;

export async function healthRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const route = routeSchema(app);
  route.get(
    '/healthz',
    { schema: { summary: 'Liveness', response: { 200: Health } } },
    async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      return { status: 'ok' };
    },
  );

  route.get(
    '/readyz',
    { schema: { summary: 'Readiness', response: { 200: Ready, 503: Ready } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          ctx.stores.ping(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('storage ping timed out')), PING_TIMEOUT_MS);
          }),
        ]);
      } catch (err) {
        request.log.warn({ err: (err as Error).message }, 'readiness check failed: storage');
        return reply
          .code(503)
          .header('retry-after', '2')
          .send({ status: 'unavailable', checks: { storage: 'down' } });
      } finally {
        clearTimeout(timer);
      }
      return { status: 'ready', checks: { storage: 'up', keys: 'loaded' } };
    },
  );
}
