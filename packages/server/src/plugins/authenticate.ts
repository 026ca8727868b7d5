// Bearer authentication: `Authorization: Bearer <jwt>` → keys.verifyAccessToken (signature, alg,
// iss, aud, exp, deny-list) → `request.auth`. A missing token is 401 `Bearer`; a bad one is 401
// `Bearer error="invalid_token"`; a missing role is 403 `insufficient_scope`.
import type { JwtPayload } from '@tessera/core';
import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { AppContext } from '../app-context.js';
import { insufficientScope, invalidToken, missingToken } from '../errors.js';
import { isDelegatedToken, isServiceToken } from '../oauth/token-kind.js';

export interface AuthInfo {
  /** The user id (`sub`). */
  sub: string;
  /** The session id (`sid`), absent for client-credentials tokens. */
  sid: string | undefined;
  roles: string[];
  payload: JwtPayload;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthInfo | null;
  }
}

/** Longest Authorization header looked at; core rejects long tokens too, this avoids the work. */
const MAX_AUTHORIZATION_LENGTH = 8 * 1024 + 16;

/** The bearer token of the request, or undefined when there is no Bearer Authorization header. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || header.length > MAX_AUTHORIZATION_LENGTH) return undefined;
  const space = header.indexOf(' ');
  if (space < 0 || header.slice(0, space).toLowerCase() !== 'bearer') return undefined;
  const token = header.slice(space + 1).trim();
  return token === '' ? undefined : token;
}

/** Verifies a bearer token; throws ApiError (401) when it is missing or invalid. */
export function verifyBearer(ctx: AppContext, request: FastifyRequest): AuthInfo {
  const header = request.headers.authorization;
  const token = bearerToken(request);
  if (token === undefined) throw header === undefined ? missingToken() : invalidToken();
  let payload: JwtPayload;
  try {
    payload = ctx.services.keys.verifyAccessToken(token).payload;
  } catch (err) {
    request.log.info({ code: (err as { code?: string }).code ?? 'unknown' }, 'bearer token rejected');
    throw invalidToken();
  }
  if (typeof payload.sub !== 'string' || payload.sub === '') throw invalidToken();
  // The server's own API is the user's: a service token or a token a service obtained for the user
  // by exchange is refused here even when its audience matches (RFC 8725 section 3.11).
  if (isServiceToken(payload) || isDelegatedToken(payload)) {
    request.log.info({ code: 'ERR_TOKEN_KIND' }, 'bearer token rejected: not a direct user token');
    throw invalidToken();
  }
  const roles = Array.isArray(payload.roles)
    ? payload.roles.filter((r): r is string => typeof r === 'string')
    : [];
  const sid = typeof payload.sid === 'string' ? payload.sid : undefined;
  return { sub: payload.sub, sid, roles, payload };
}

/** preHandler: requires a valid bearer token and sets `request.auth`. */
export function requireAuth(ctx: AppContext): preHandlerAsyncHookHandler {
  return async function authenticate(request) {
    request.auth = verifyBearer(ctx, request);
  };
}

/** preHandler: requires a valid bearer token carrying `role` (e.g. 'admin'). */
export function requireRole(ctx: AppContext, role: string): preHandlerAsyncHookHandler {
  return async function authorize(request) {
    const auth = verifyBearer(ctx, request);
    if (!auth.roles.includes(role)) throw insufficientScope(role);
    request.auth = auth;
  };
}
