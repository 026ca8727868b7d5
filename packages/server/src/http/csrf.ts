// CSRF defence for the refresh cookie: a request that authenticates with `tessera_rt` must come
// from the issuer's origin or one of TESSERA_ALLOWED_ORIGINS, told by Origin (or, lacking it, Referer).
// SameSite=Strict already stops most cross-site sends; this check holds even where it does not.
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';

/** Origins a cookie-authenticated request may come from. */
export function allowedOriginSet(issuer: string, allowedOrigins: readonly string[]): ReadonlySet<string> {
  return new Set([new URL(issuer).origin, ...allowedOrigins]);
}

/** The request's origin from Origin or Referer; undefined if neither is usable. */
export function requestOrigin(request: FastifyRequest): string | undefined {
  const origin = request.headers.origin;
  if (typeof origin === 'string' && origin !== '' && origin !== 'null') return origin;
  const referer = request.headers.referer;
  if (typeof referer === 'string' && referer !== '') {
    try {
      return new URL(referer).origin;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Throws 403 csrf_rejected unless the request comes from an allowed origin. */
export function assertSameOrigin(request: FastifyRequest, allowed: ReadonlySet<string>): void {
  const origin = requestOrigin(request);
  if (origin === undefined) {
    throw new ApiError('csrf_rejected', {
      description: 'Origin or Referer header required with the refresh cookie',
    });
  }
  if (!allowed.has(origin)) {
    throw new ApiError('csrf_rejected', { description: 'the request origin is not allowed' });
  }
}
