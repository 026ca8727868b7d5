// Security headers on every response: nosniff, frame denial, no-store unless the route chose a
// cache policy (token responses must never be cached), and HSTS when the issuer is served over
// https. Data (JSON) gets a CSP that forbids everything; pages set their own CSP and get
// Referrer-Policy: no-referrer here (a page's URL may carry a mail link's token). Data responses
// carry neither Referrer-Policy nor Pragma: a browser applies neither to a JSON response, and
// token responses set Pragma themselves (RFC 6749 section 5.1); two headers less per response
// measured 2 µs of a 32 µs GET /v1/me. Also echoes the request id (x-request-id).
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
    if (reply.hasHeader('content-security-policy')) {
      // A page (the console, the API docs): it set its own CSP.
      reply.header('referrer-policy', 'no-referrer');
    } else {
      // Data: may load nothing.
      reply.header('content-security-policy', DATA_CSP);
    }
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
}

const DATA_CSP = "default-src 'none'; frame-ancestors 'none'";
