// Security headers on every response: nosniff, frame denial, a CSP that forbids everything for JSON,
// no-store unless the route chose a cache policy (token responses must never be cached), and HSTS
// when the issuer is served over https. Also echoes the request id (x-request-id).
import type { FastifyInstance } from 'fastify';

export interface SecurityHeadersOptions {
  /** Sends Strict-Transport-Security (the issuer is https). */
  hsts: boolean;
}

export function registerSecurityHeaders(app: FastifyInstance, opts: SecurityHeadersOptions): void {
  // Computed once: the headers every response carries.
  const always: Record<string, string> = {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    ...(opts.hsts ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  };
  const names = Object.keys(always);
  const values = names.map((name) => always[name] as string);
  // Callback style, not async: no I/O here, and an async hook costs a promise and a microtask
  // turn on every response.
  app.addHook('onSend', (request, reply, payload, done) => {
    // Here rather than in an onRequest hook of its own: one hook less per request.
    reply.header('x-request-id', request.id);
    for (let i = 0; i < names.length; i++) reply.header(names[i] as string, values[i]);
    if (!reply.hasHeader('content-security-policy')) {
      // Pages (the console) set their own CSP; everything else is data and may load nothing.
      reply.header('content-security-policy', DATA_CSP);
    }
    if (!reply.hasHeader('cache-control')) {
      reply.header('cache-control', 'no-store');
      reply.header('pragma', 'no-cache');
    }
    done(null, payload);
  });
}

const DATA_CSP = "default-src 'none'; frame-ancestors 'none'";
