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

// verify's onError receives the precise reason of a refusal (for the log, never the client). The
// check is synchronous, so one shared callback parks the code here and the caller reads it right
// after: no closure or options object is allocated per request.
let refusalCode: string | undefined;
const noteRefusal = (_err: unknown, info: { status: number; code: string }) => {
  refusalCode = info.status === 401 && info.code !== 'missing_token' ? info.code : undefined;
};
// The server's own API is the user's: a service token, or a token a service obtained for the user
// by exchange (`act`), is refused even when its audience matches (RFC 8725 section 3.11).
const USER_ONLY = { tokenKind: 'user', delegation: 'refuse' } as const;
const ANY: AuthOptions = { ...USER_ONLY, onError: noteRefusal };
const OPTIONAL: AuthOptions = { ...USER_ONLY, optional: true, onError: noteRefusal };

function withRules(rules: Pick<AuthOptions, 'requireRoles' | 'optional'>): AuthOptions {
  if (rules.requireRoles === undefined) return rules.optional ? OPTIONAL : ANY;
  return { ...rules, ...USER_ONLY, onError: noteRefusal };
}

function check(verifier: TokenVerifier, request: FastifyRequest, options: AuthOptions): AuthOutcome {
  refusalCode = undefined;
  const outcome = authenticateSync(
    { authorization: request.headers.authorization, cookie: undefined, url: undefined },
    verifier,
    options,
  );
  if (refusalCode !== undefined) request.log.info({ code: refusalCode }, 'bearer token rejected');
  return outcome;
}

/** Authenticates a request; the outcome says who the caller is or how to refuse. */
export function authenticateBearer(
  verifier: TokenVerifier,
  request: FastifyRequest,
  rules: Pick<AuthOptions, 'requireRoles' | 'optional'> = {},
): AuthOutcome {
  return check(verifier, request, withRules(rules));
}

/** Like authenticateBearer, but throws the refusal (ApiError with its challenge). */
export function verifyBearer(verifier: TokenVerifier, request: FastifyRequest): AuthInfo {
  const outcome = authenticateBearer(verifier, request);
  if (!outcome.ok) throw deniedError(outcome.denial);
  return outcome.auth as AuthInfo;
}

// The hooks made by requireAuth: the API description (openapi/) marks their routes as bearer-only.
const bearerHooks = new WeakSet<object>();

/** Whether `hook` is a requireAuth/requireRole hook (the route needs a bearer token). */
export function isBearerHook(hook: unknown): boolean {
  return typeof hook === 'function' && bearerHooks.has(hook);
}

/** onRequest hook: requires a valid bearer token (carrying `role`, if given) and sets `request.auth`. */
export function requireAuth(ctx: AppContext, role?: string): onRequestHookHandler {
  const verifier = serverVerifier(ctx);
  const options = withRules(role === undefined ? {} : { requireRoles: [role] });
  const hook: onRequestHookHandler = function authenticate(request, _reply, done) {
    const outcome = check(verifier, request, options);
    if (!outcome.ok) return done(deniedError(outcome.denial));
    request.auth = outcome.auth;
    done();
  };
  bearerHooks.add(hook);
  return hook;
}

/** onRequest hook: requires a valid bearer token carrying `role` (e.g. 'admin'). */
export function requireRole(ctx: AppContext, role: string): onRequestHookHandler {
  return requireAuth(ctx, role);
}
