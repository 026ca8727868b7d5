// The framework-free engine behind every adapter: extract the token, verify it, check roles and
// scopes, and describe the response when access is denied (RFC 6750 §3). Clients see only a generic
// error; the real code goes to the optional `onError` hook.
import { type AuthInfo, authInfoOf, hasAll } from './auth-info.js';
import { isUnavailableError } from './errors.js';
import { type ExtractOptions, extractToken, type RequestParts } from './extract.js';
import { checkStepUp, type StepUpRules } from './step-up.js';
import { type TokenKindRules, tokenKindProblem } from './token-kind.js';
import type { RemoteVerifier, VerifiedToken } from './verifier.js';

/** A RemoteVerifier, or any sync function such as core's createVerifier result. */
export type TokenVerifier = RemoteVerifier | ((token: string) => VerifiedToken);

export interface AccessRules extends StepUpRules {
  /** Every one of these roles (`roles` claim) is required. */
  requireRoles?: string[];
  /** Every one of these scopes (`scope` claim) is required. */
  requireScopes?: string[];
}

export interface FailureInfo {
  status: number;
  /** Internal code: a TesseraError/VerifyError code, or 'missing_token' / 'invalid_request'. */
  code: string;
}

export interface AuthOptions extends ExtractOptions, AccessRules, TokenKindRules {
  /** Let requests without any token through with `auth` = null (a bad token is still refused). */
  optional?: boolean;
  /** Added to every challenge as `realm="..."`. */
  realm?: string;
  /** Receives the real reason of each refusal, for logs. Never sent to the client. */
  onError?: (err: unknown, info: FailureInfo) => void;
}

/** What to send back when access is denied. */
export interface Denial {
  status: 400 | 401 | 403 | 503;
  headers: Record<string, string>;
  body: { error: string; error_description?: string };
}

export type AuthOutcome = { ok: true; auth: AuthInfo | null } | { ok: false; denial: Denial };

export function challenge(error: string | undefined, realm?: string): string {
  const params: string[] = [];
  if (realm !== undefined) params.push(`realm="${realm.replace(/["\\]/g, '')}"`);
  if (error !== undefined) params.push(`error="${error}"`);
  return params.length === 0 ? 'Bearer' : `Bearer ${params.join(', ')}`;
}

export function missingToken(realm?: string): Denial {
  return {
    status: 401,
    headers: { 'www-authenticate': challenge(undefined, realm) },
    body: { error: 'unauthorized' },
  };
}

export function invalidRequest(realm?: string): Denial {
  return {
    status: 400,
    headers: { 'www-authenticate': challenge('invalid_request', realm) },
    body: { error: 'invalid_request' },
  };
}

export function invalidToken(realm?: string): Denial {
  return {
    status: 401,
    headers: { 'www-authenticate': challenge('invalid_token', realm) },
    body: { error: 'invalid_token' },
  };
}

export function insufficientScope(realm?: string): Denial {
  return {
    status: 403,
    headers: { 'www-authenticate': challenge('insufficient_scope', realm) },
    body: { error: 'insufficient_scope' },
  };
}

/** The verifier cannot decide (no keys yet, revocation feed stale): a server-side problem. */
export function unavailable(): Denial {
  return { status: 503, headers: { 'retry-after': '1' }, body: { error: 'temporarily_unavailable' } };
}

/** The denial for an error thrown by a verifier. */
export function denialFor(err: unknown, realm?: string): Denial {
  if ((err as { code?: unknown })?.code === 'ERR_AUTHZ_INSUFFICIENT_SCOPE') return insufficientScope(realm);
  if (isUnavailableError(err)) return unavailable();
  return invalidToken(realm);
}

/**
 * The denial for an authenticated caller who may not pass, or undefined when allowed: 403 for a
 * missing role or scope, then 401 insufficient_user_authentication (RFC 9470) for `requireAmr` or
 * `maxAuthAge`.
 */
export function checkAccess(auth: AuthInfo, rules: AccessRules, realm?: string): Denial | undefined {
  if (!hasAll(auth.roles, rules.requireRoles) || !hasAll(auth.scopes, rules.requireScopes)) {
    return insufficientScope(realm);
  }
  if (rules.requireAmr === undefined && rules.maxAuthAge === undefined) return undefined;
  return checkStepUp(auth, rules, realm);
}

/** The internal code of a denial from checkAccess (for onError). */
export function accessDenialCode(denial: Denial): string {
  if (denial.status === 403) return 'ERR_AUTHZ_INSUFFICIENT_SCOPE';
  return denial.body.error === 'insufficient_user_authentication'
    ? 'ERR_AUTHZ_STEP_UP_REQUIRED'
    : 'missing_token';
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' ? code : 'ERR_UNKNOWN';
}

function deny(denial: Denial, err: unknown, code: string, options: AuthOptions): AuthOutcome {
  options.onError?.(err, { status: denial.status, code });
  return { ok: false, denial };
}

/** Before verification: a token, nothing (maybe allowed), or an early denial. */
function prepare(parts: RequestParts, options: AuthOptions): string | AuthOutcome {
  const found = extractToken(parts, options);
  if (found.kind === 'token') return found.token;
  if (found.kind === 'invalid_request') {
    return deny(invalidRequest(options.realm), new Error(found.reason), 'invalid_request', options);
  }
  if (options.optional) return { ok: true, auth: null };
  return deny(missingToken(options.realm), undefined, 'missing_token', options);
}

function finish(result: VerifiedToken, options: AuthOptions): AuthOutcome {
  // A service token where a user's is expected (or the reverse), or a delegation the route does not
  // take: the token is not valid here, like a token for another audience.
  const kindProblem = tokenKindProblem(result.payload, options);
  if (kindProblem) return deny(invalidToken(options.realm), undefined, kindProblem, options);
  const auth = authInfoOf(result);
  const denied = checkAccess(auth, options, options.realm);
  if (denied) return deny(denied, undefined, accessDenialCode(denied), options);
  return { ok: true, auth };
}

/** Synchronous: a RemoteVerifier must be ready (else 503). */
export function authenticateSync(
  parts: RequestParts,
  verifier: TokenVerifier,
  options: AuthOptions = {},
): AuthOutcome {
  const token = prepare(parts, options);
  if (typeof token !== 'string') return token;
  try {
    const result = typeof verifier === 'function' ? verifier(token) : verifier.verify(token);
    return finish(result, options);
  } catch (err) {
    return deny(denialFor(err, options.realm), err, errorCode(err), options);
  }
}

/**
 * The synchronous path of the middleware: the outcome when the verifier can decide now, or
 * undefined when the request needs authenticateAsync (keys not loaded yet, revocation feed stale, or
 * an unknown kid that may be a key published since the last fetch). Saves the promise and the
 * microtask turn per request that an async hook costs, a measurable share of a small route.
 */
export function authenticateFast(
  parts: RequestParts,
  verifier: TokenVerifier,
  options: AuthOptions = {},
): AuthOutcome | undefined {
  const remote = typeof verifier !== 'function';
  if (remote && !verifier.isReady) return undefined;
  const token = prepare(parts, options);
  if (typeof token !== 'string') return token;
  try {
    return finish(remote ? verifier.verify(token) : verifier(token), options);
  } catch (err) {
    if (remote && errorCode(err) === 'ERR_JWKS_NO_MATCHING_KEY') return undefined;
    return deny(denialFor(err, options.realm), err, errorCode(err), options);
  }
}

/**
 * What a middleware calls: the synchronous path when it can decide, else the asynchronous one.
 * `settle` gets the outcome (synchronously when possible); `fail` only an unexpected error.
 */
export function authenticateRequest(
  parts: RequestParts,
  verifier: TokenVerifier,
  options: AuthOptions,
  settle: (outcome: AuthOutcome) => void,
  fail: (err: unknown) => void,
): void {
  const fast = authenticateFast(parts, verifier, options);
  if (fast) settle(fast);
  else authenticateAsync(parts, verifier, options).then(settle, fail);
}

/** Asynchronous: waits for a RemoteVerifier's first key set and refetches once on an unknown kid. */
export async function authenticateAsync(
  parts: RequestParts,
  verifier: TokenVerifier,
  options: AuthOptions = {},
): Promise<AuthOutcome> {
  const token = prepare(parts, options);
  if (typeof token !== 'string') return token;
  try {
    const result = typeof verifier === 'function' ? verifier(token) : await verifier.verifyAsync(token);
    return finish(result, options);
  } catch (err) {
    return deny(denialFor(err, options.realm), err, errorCode(err), options);
  }
}
