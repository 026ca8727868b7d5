// Request body validation with zod: anything that does not match answers 400 with a message that
// names the field, never a 500. Unknown fields are ignored so clients can evolve.
import type { FastifyRequest } from 'fastify';
import { type ZodType, z } from 'zod';
import { badRequest } from '../errors.js';

/** Parses `request.body` with `schema`; throws ApiError invalid_request naming the first bad field. */
export function parseBody<T>(request: FastifyRequest, schema: ZodType<T>): T {
  const body = request.body;
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('the request body must be a JSON object');
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.length ? issue.path.map(String).join('.') : 'body';
  throw badRequest(`${field}: ${issue?.message ?? 'invalid value'}`);
}

/** Like parseBody, but a missing body (no content at all) counts as `{}`; JSON `null` is still a 400. */
export function parseOptionalBody<T>(request: FastifyRequest, schema: ZodType<T>): T {
  if (request.body === undefined) return parseBody({ body: {} } as FastifyRequest, schema);
  return parseBody(request, schema);
}

// Field helpers with explicit limits: a huge string is a 400, not a slow hash.
export const emailField = z
  .string({ error: 'must be a string' })
  .min(3, 'is too short')
  .max(254, 'must be at most 254 characters');
export const passwordField = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(1024, 'must be at most 1024 characters');
export const refreshTokenField = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(512, 'is too long');
