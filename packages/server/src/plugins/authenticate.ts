// Bearer authentication through @tessera/verify, with this server's key service as the verifier:
// the same RFC 6750 extraction, challenges and role checks every resource service uses. A missing
// token is 401 `Bearer`; a bad one 401 `Bearer error="invalid_token"`; a malformed Authorization
// header 400 `invalid_request`; a missing role 403 `insufficient_scope`.
import {
  type AuthInfo,
  type AuthOptions,
  type AuthOutcome,
  authenticateSync,
  type TokenVerifier,
} from '@tessera/verify';
import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import type { AppContext } from '../app-context.js';
import { deniedError } from '../errors.js';

export type { AuthInfo } from '@tessera/verify';

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthInfo | null;
  }
}

const NO_SUBJECT = Object.assign(new Error('token without a subject'), { code: 'ERR_JWT_CLAIM_INVALID' });

/** The key service as a verify TokenVerifier: tokens issued here, with a subject. */
export function serverVerifier(ctx: AppContext): TokenVerifier {
  const keys = ctx.services.keys;
  return (token) => {
    const verified = keys.verifyAccessToken(token);
    const sub = verified.payload.sub;
    if (typeof sub !== 'string' || sub === '') throw NO_SUBJECT;
    return verified;
  };
}

/** verify's onError: the precise reason goes to the request's log, never to the client. */
function logRefusal(request: FastifyRequest) {
  return (_err: unknown, info: { status: number; code: string }) => {
    if (info.status === 401 && info.code !== 'missing_token')
      request.log.info({ code: info.code }, 'bearer token rejected');
  };
}

/** Authenticates a request; the outcome says who the caller is or how to refuse. */
export function authenticateBearer(
  verifier: TokenVerifier,
  request: FastifyRequest,
  rules: Pick<AuthOptions, 'requireRoles' | 'optional'> = {},
): AuthOutcome {
  const parts = { authorization: request.headers.authorization, cookie: undefined, url: undefined };
  return authenticateSync(parts, verifier, { ...rules, onError: logRefusal(request) });
}

/** Like authenticateBearer, but throws the refusal (ApiError with its challenge). */
export function verifyBearer(verifier: TokenVerifier, request: FastifyRequest): AuthInfo {
  const outcome = authenticateBearer(verifier, request);
  if (!outcome.ok) throw deniedError(outcome.denial);
  return outcome.auth as AuthInfo;
}

/** onRequest hook: requires a valid bearer token (carrying `role`, if given) and sets `request.auth`. */
export function requireAuth(ctx: AppContext, role?: string): onRequestHookHandler {
  const verifier = serverVerifier(ctx);
  const rules = role === undefined ? {} : { requireRoles: [role] };
  return function authenticate(request, _reply, done) {
    const outcome = authenticateBearer(verifier, request, rules);
    if (!outcome.ok) return done(deniedError(outcome.denial));
    request.auth = outcome.auth;
    done();
  };
}

/** onRequest hook: requires a valid bearer token carrying `role` (e.g. 'admin'). */
export function requireRole(ctx: AppContext, role: string): onRequestHookHandler {
  return requireAuth(ctx, role);
}
