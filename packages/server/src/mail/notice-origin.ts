// Where a request that changed a factor came from, for its security notice.
import type { FastifyRequest } from 'fastify';
import type { NoticeOrigin } from './security-notices.js';

export function noticeOrigin(request: FastifyRequest): NoticeOrigin {
  return { ip: request.ip, userAgent: request.headers['user-agent'] };
}
