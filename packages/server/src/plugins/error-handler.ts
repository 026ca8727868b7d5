// The single error handler: ApiError → its status and JSON; a service's DomainError → its HTTP
// answer (errors.ts apiErrorOf); framework errors (bad JSON, wrong
// content type, oversized body) → 400/413/415; core token errors → 401 invalid_token; anything else
// → a generic 500 logged with the request id. No stack trace ever reaches the client.
import { TesseraError } from '@tessera/core';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { API_ERRORS, ApiError, type ApiErrorCode, apiErrorOf, invalidToken } from '../errors.js';
import { DomainError } from '../services/domain-error.js';

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const apiError = toApiError(error);
    if (apiError.status >= 500) {
      request.log.error({ err: error, reqId: request.id }, 'request failed');
    } else if (error instanceof TesseraError) {
      // The precise reason (expired, bad signature, ...) is for logs only.
      request.log.info({ code: error.code, reqId: request.id }, 'token rejected');
    }
    return send(reply, apiError);
  });

  app.setNotFoundHandler(async (_request: FastifyRequest, reply: FastifyReply) =>
    send(reply, new ApiError('not_found')),
  );
}

function send(reply: FastifyReply, error: ApiError): FastifyReply {
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  return reply.code(error.status).type('application/json; charset=utf-8').send(error.toJSON());
}

const FRAMEWORK_CODES: Record<string, { code: ApiErrorCode; description?: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'invalid_request',
    description: 'Content-Length does not match the body',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'invalid_request', description: 'the JSON body is empty' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_request', description: 'the body is not valid JSON' },
  FST_ERR_CTP_INVALID_TYPE: { code: 'unsupported_media_type' },
};

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof DomainError) return apiErrorOf(error.failure, error);
  if (error instanceof TesseraError) return invalidToken(error);
  if (error instanceof ZodError) {
    const issue = error.issues[0];
    const field = issue?.path.length ? issue.path.map(String).join('.') : 'body';
    return new ApiError('invalid_request', { description: `${field}: ${issue?.message ?? 'invalid value'}` });
  }
  const e = error as Partial<FastifyError> & { status?: number; type?: string };
  const known = e.code ? FRAMEWORK_CODES[e.code] : undefined;
  if (known) return new ApiError(known.code, known.description ? { description: known.description } : {});
  if (e.validation) return new ApiError('invalid_request', { description: e.message ?? 'invalid request' });
  const status = e.statusCode ?? e.status;
  if (error instanceof SyntaxError && (status === 400 || status === undefined)) {
    return new ApiError('invalid_request', { description: 'the body is not valid JSON' });
  }
  if (status === 413) return new ApiError('payload_too_large');
  if (status === 415) return new ApiError('unsupported_media_type');
  if (status === 404) return new ApiError('not_found');
  if (status === 405) return new ApiError('method_not_allowed');
  if (status === 429) return new ApiError('rate_limited');
  // Storage unreachable for now (a PostgreSQL restart or failover): say when to try again.
  if (status === 503) return new ApiError('temporarily_unavailable', { headers: { 'retry-after': '2' } });
  // Other 4xx from the framework (bad URL encoding, header problems): a generic 400, no internals.
  if (status !== undefined && status >= 400 && status < 500) {
    return new ApiError('invalid_request', { description: API_ERRORS.invalid_request.message });
  }
  return new ApiError('server_error');
}
