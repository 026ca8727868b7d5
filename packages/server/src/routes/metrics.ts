// GET /metrics (Prometheus text format) and the request-latency hook that feeds the histogram. Call
// it on the root instance (not in an encapsulated plugin) so the hook sees every route.
//
// Who may read what (login failure reasons reveal which emails have accounts):
// - TESSERA_METRICS_TOKEN set: the bearer token is required from everywhere; it sees everything.
// - no token, request from loopback: everything (a local Prometheus or an operator's curl).
// - no token, from elsewhere: in production `403`; in development only the series that reveal
//   nothing about accounts.
// A request counts as loopback only when its peer address is (after TESSERA_TRUSTED_PROXIES) and it
// carries no forwarding header: a proxy on the same host must not make the internet look local.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { ApiError } from '../errors.js';
import type { Metrics } from '../metrics/metrics.js';
import { ErrorBody, PrometheusText } from '../schemas/fields.js';
import { SECURITY } from '../schemas/security.js';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

export function isLoopbackRequest(request: FastifyRequest): boolean {
  if (request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined)
    return false;
  return LOOPBACK.test(request.ip);
}

export async function metricsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const metrics = ctx.services.metrics as Partial<Metrics> & typeof ctx.services.metrics;
  const expected = ctx.config.metricsToken === undefined ? undefined : digest(ctx.config.metricsToken);
  const production = ctx.config.production;

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

  /** true: the whole text; false: only what reveals nothing about accounts. Throws when refused. */
  function mayReadDetail(request: FastifyRequest): boolean {
    if (expected) {
      const header = request.headers.authorization ?? '';
      const token = /^bearer /i.test(header) ? header.slice(7).trim() : '';
      // Hash both sides: equal lengths for timingSafeEqual, and no early exit on length.
      if (!timingSafeEqual(digest(token), expected)) {
        throw new ApiError('unauthorized', { headers: { 'www-authenticate': 'Bearer realm="metrics"' } });
      }
      return true;
    }
    if (isLoopbackRequest(request)) return true;
    if (production) {
      throw new ApiError('insufficient_scope', {
        description: 'Metrics are served beyond loopback only with TESSERA_METRICS_TOKEN set.',
      });
    }
    return false;
  }

  const schema = {
    summary: 'Prometheus metrics (text format)',
    security: SECURITY.metrics,
    response: { 200: PrometheusText, 401: ErrorBody, 403: ErrorBody },
  };
  app.get('/metrics', { schema }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const detail = mayReadDetail(request);
    let text = await metrics.registry.metrics();
    if (detail) text += await metrics.detailRegistry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
}
