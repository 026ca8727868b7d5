// buildApp(ctx): the Fastify instance with its hooks (security headers, error handler, CORS,
// body limit, proxy trust) and every route. No listening here: server.ts and tests do that.
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { AppContext } from './app-context.js';
import { lazyChildLoggerFactory } from './logging/logger.js';
import { registerApiDocs } from './openapi/api-docs.js';
import { registerCors } from './plugins/cors.js';
import { registerErrorHandler } from './plugins/error-handler.js';
import { registerSecurityHeaders } from './plugins/security-headers.js';
import { registerRoutes } from './routes/index.js';
import { useZodSchemas } from './schemas/zod-provider.js';

declare module 'fastify' {
  interface FastifyInstance {
    routeList: ReadonlyArray<{ method: string; url: string }>;
  }
}

export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  const { config } = ctx;
  const logger = ctx.logger as FastifyBaseLogger & { isLevelEnabled?: (level: string) => boolean };
  // Access logging: requests are logged at `debug` (Fastify's "incoming request" / "request
  // completed" lines, written only when the level is debug or lower); at the default `info` the log
  // carries security events (audit/audit-log.ts), errors and lifecycle lines, not one line per
  // request. Two synchronous lines per request halved throughput (docs/architecture.md). Errors are
  // logged by the error handler with the request id.
  const requestLogs = logger.isLevelEnabled?.('debug') ?? true;
  const app = Fastify({
    loggerInstance: logger,
    // (logController, not the deprecated top-level disableRequestLogging that warns at startup)
    logController: new LogController({ disableRequestLogging: !requestLogs }),
    childLoggerFactory: lazyChildLoggerFactory,
    // Only the configured proxies' X-Forwarded-For is believed; with none, request.ip is the peer.
    trustProxy: config.trustedProxies.length > 0 ? [...config.trustedProxies] : false,
    bodyLimit: config.bodyLimit,
    // Fastify assigns the id itself (no hook); an incoming X-Request-Id is not trusted. The
    // x-request-id response header is set in the security-headers onSend hook.
    genReqId: requestIds(),
    requestIdHeader: false,
    return503OnClosing: true,
    // Keep the JSON parser strict about prototype poisoning.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    routerOptions: { maxParamLength: 200 },
  });

  app.decorateRequest('auth', null);
  // Every registered route, for the docs and the table-driven input tests.
  const routeList: Array<{ method: string; url: string }> = [];
  app.decorate('routeList', routeList);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) if (method !== 'HEAD') routeList.push({ method, url: route.url });
  });
  // JSON only: a text/plain body is 415, not a string handed to the routes.
  app.removeContentTypeParser('text/plain');
  // Routes declare zod schemas (schemas/zod-provider.ts); the refresh cookie is read only by the
  // routes that use it (plugins/refresh-cookie.ts), so no request pays for cookie parsing.
  useZodSchemas(app);
  registerSecurityHeaders(app, { hsts: config.issuer.startsWith('https:') });
  registerErrorHandler(app);
  registerCors(app, config.allowedOrigins);

  // Before the routes: the description collects each route as it is registered.
  await registerApiDocs(app, { issuer: config.issuer });
  await registerRoutes(app, ctx);
  return app;
}

/**
 * Request ids in UUID form, unique per process and cheap: a random 80-bit prefix drawn once and a
 * counter (no entropy drawn per request). They correlate log lines; they are not secrets.
 */
function requestIds(): () => string {
  const hex = randomBytes(10).toString('hex');
  const prefix = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-`;
  let counter = 0;
  return () => {
    counter = (counter + 1) % 0x1000000000000;
    return prefix + counter.toString(16).padStart(12, '0');
  };
}
