// Turns a refused RateLimits result into 429 with Retry-After and the IETF RateLimit headers,
// and sets the RateLimit headers on allowed requests too.
import type { FastifyReply } from 'fastify';
import { ApiError } from '../errors.js';
import type { LimitResult } from '../services/types.js';

export function setRateLimitHeaders(reply: FastifyReply, result: LimitResult): void {
  reply.header('ratelimit-limit', String(result.limit));
  reply.header('ratelimit-remaining', String(result.remaining));
  reply.header('ratelimit-reset', String(result.resetSeconds));
}

export function rateLimited(result: LimitResult): ApiError {
  const retryAfter = String(Math.max(1, result.resetSeconds));
  return new ApiError('rate_limited', {
    headers: {
      'retry-after': retryAfter,
      'ratelimit-limit': String(result.limit),
      'ratelimit-remaining': '0',
      'ratelimit-reset': retryAfter,
    },
  });
}
