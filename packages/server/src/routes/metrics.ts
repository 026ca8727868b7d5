// GET /metrics (Prometheus text format), open or behind TESSERA_METRICS_TOKEN as a bearer token,
// and the request-latency hook that feeds the histogram. Call it on the root instance (not in
// an encapsulated plugin) so the hook sees every route.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { ApiError } from '../errors.js';
import type { Metrics } from '../metrics/metrics.js';
import { ErrorBody } from '../schemas/fields.js';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

export async function metricsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const metrics = ctx.services.metrics as Partial<Metrics> & typeof ctx.services.metrics;
  const expected = ctx.config.metricsToken === undefined ? undefined : digest(ctx.config.metricsToken);

  if (metrics.observeRequest) {
    const observe = metrics.observeRequest;
    // Callback style: the histogram update is synchronous, an async hook would only add a promise.
    app.addHook('onResponse', (request, reply, done) => {
      // The route pattern, never the raw URL: ids in paths must not explode the label set.
      const route = request.routeOptions.url ?? 'unmatched';
      observe(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
  }

  const schema = {
    summary: 'Prometheus metrics (text format)',
    response: { 200: z.string().describe('text/plain; version=0.0.4'), 401: ErrorBody },
  };
  app.get('/metrics', { schema }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    if (expected) {
      const header = request.headers.authorization ?? '';
      const token = /^bearer /i.test(header) ? header.slice(7).trim() : '';
      // Hash both sides: equal lengths for timingSafeEqual, and no early exit on length.
      if (!timingSafeEqual(digest(token), expected)) {
        throw new ApiError('unauthorized', { headers: { 'www-authenticate': 'Bearer realm="metrics"' } });
      }
    }
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
}
