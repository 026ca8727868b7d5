// Security headers on every response: nosniff, frame denial, a CSP that forbids everything for JSON,
// no-store unless the route chose a cache policy (token responses must never be cached), and HSTS
// when the issuer is served over https. Also echoes the request id (x-request-id).
import type { FastifyInstance } from 'fastify';

export interface SecurityHeadersOptions {
  /** Sends Strict-Transport-Security (the issuer is https). */
  hsts: boolean;
}

export function registerSecurityHeaders(app: FastifyInstance, opts: SecurityHeadersOptions): void {
  // Callback style, not async: no I/O here, and an async hook costs a promise and a microtask
  // turn on every response.
  app.addHook('onSend', (request, reply, payload, done) => {
    // Here rather than in an onRequest hook of its own: one hook less per request.
    reply.header('x-request-id', request.id);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    if (!reply.hasHeader('content-security-policy')) {
      // Pages (the console) set their own CSP; everything else is data and may load nothing.
      reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
    }
    if (!reply.hasHeader('cache-control')) {
      reply.header('cache-control', 'no-store');
      reply.header('pragma', 'no-cache');
    }
    if (opts.hsts) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    done(null, payload);
  });
}
