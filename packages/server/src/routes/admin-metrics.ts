// GET /v1/admin/metrics (admin role): the same Prometheus text as /metrics, all series included,
// for the console's live charts. /metrics itself answers browsers beyond loopback only with
// TESSERA_METRICS_TOKEN (a scraper's secret an admin's browser should not hold); an admin's access
// token is the console's credential, and admins already see login failures in the audit log.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import type { Metrics } from '../metrics/metrics.js';
import { requireRole } from '../plugins/authenticate.js';
import { ErrorBody, PrometheusText } from '../schemas/fields.js';
import { routeSchema } from '../schemas/zod-provider.js';

export async function adminMetricsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const metrics = ctx.services.metrics as Partial<Metrics> & typeof ctx.services.metrics;
  const schema = {
    summary: 'Prometheus metrics, every series (admin role)',
    response: { 200: PrometheusText, 401: ErrorBody, 403: ErrorBody },
  };
  const admin = requireRole(ctx, 'admin');
  routeSchema(app).get('/v1/admin/metrics', { onRequest: admin, schema }, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    let text = await metrics.registry.metrics();
    if (metrics.detailRegistry) text += await metrics.detailRegistry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
}
