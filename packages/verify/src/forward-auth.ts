// Forward-auth for gateways (nginx auth_request, Traefik forwardAuth, Envoy ext_authz): the gateway
// sends the original request's headers; we answer 200 with identity headers, or 401/403. The core is
// the pure function `authorizeRequest`, which the auth server's GET /v1/authz reuses.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AuthInfo } from './auth-info.js';
import {
  type AccessRules,
  type AuthOptions,
  type AuthOutcome,
  authenticateAsync,
  authenticateSync,
  type FailureInfo,
  invalidToken,
  type TokenVerifier,
} from './authenticate.js';
import type { RequestParts } from './extract.js';
import type { TokenKindRules } from './token-kind.js';

export interface ForwardAuthOptions extends AccessRules, TokenKindRules {
  /** Also read the token from this cookie (for browser traffic through the gateway). */
  cookie?: string;
  realm?: string;
  /** Gets the refusal reason and the original URI (X-Original-URI / X-Forwarded-Uri), for logs. */
  onError?: (err: unknown, info: FailureInfo & { uri: string | undefined }) => void;
}

export interface ForwardAuthResult {
  status: 200 | 400 | 401 | 403 | 503;
  headers: Record<string, string>;
  /** JSON body for refusals; empty on 200. */
  body: { error: string } | undefined;
  auth: AuthInfo | undefined;
}

type HeaderSource = IncomingHttpHeaders | Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderSource, name: string): string | string[] | undefined {
  if (typeof (headers as Headers).get === 'function' && typeof (headers as Headers).has === 'function') {
    return (headers as Headers).get(name) ?? undefined;
  }
  const record = headers as Record<string, string | string[] | undefined>;
  return record[name] ?? record[name.toLowerCase()];
}

// Header values we forward: printable ASCII only. Node throws on other characters, and silently
// stripping them could turn one subject into another ('bob\n' into 'bob').
const HEADER_SAFE = /^[\x20-\x7e]*$/;

/**
 * Identity headers for the upstream service, or undefined when the subject or session id cannot be
 * forwarded as is. Roles that are not header-safe or contain a comma are left out (fewer rights,
 * never different ones).
 */
export function identityHeaders(auth: AuthInfo): Record<string, string> | undefined {
  if (!HEADER_SAFE.test(auth.sub) || (auth.sid !== undefined && !HEADER_SAFE.test(auth.sid)))
    return undefined;
  const roles = auth.roles.filter((r) => HEADER_SAFE.test(r) && !r.includes(','));
  const out: Record<string, string> = { 'x-auth-subject': auth.sub, 'x-auth-roles': roles.join(',') };
  if (auth.sid !== undefined) out['x-auth-session'] = auth.sid;
  const scope = auth.scopes.join(' ');
  if (scope !== '' && HEADER_SAFE.test(scope)) out['x-auth-scope'] = scope;
  return out;
}

interface Prepared {
  parts: RequestParts;
  auth: AuthOptions;
  uri: string | undefined;
}

function prepare(headers: HeaderSource, options: ForwardAuthOptions): Prepared {
  const uri = first(header(headers, 'x-original-uri')) ?? first(header(headers, 'x-forwarded-uri'));
  const onError = options.onError;
  const auth: AuthOptions = {
    ...(options.cookie === undefined ? {} : { cookie: options.cookie }),
    ...(options.realm === undefined ? {} : { realm: options.realm }),
    ...(options.requireRoles === undefined ? {} : { requireRoles: options.requireRoles }),
    ...(options.requireScopes === undefined ? {} : { requireScopes: options.requireScopes }),
    ...(options.tokenKind === undefined ? {} : { tokenKind: options.tokenKind }),
    ...(options.delegation === undefined ? {} : { delegation: options.delegation }),
    ...(options.allowedActors === undefined ? {} : { allowedActors: options.allowedActors }),
    ...(onError === undefined
      ? {}
      : { onError: (err: unknown, info: FailureInfo) => onError(err, { ...info, uri }) }),
  };
  const parts = {
    authorization: header(headers, 'authorization'),
    cookie: header(headers, 'cookie'),
    url: undefined,
  };
  return { parts, auth, uri };
}

function conclude(
  outcome: AuthOutcome,
  options: ForwardAuthOptions,
  uri: string | undefined,
): ForwardAuthResult {
  if (!outcome.ok) {
    const { status, headers: h, body } = outcome.denial;
    return { status, headers: h, body, auth: undefined };
  }
  const auth = outcome.auth as AuthInfo;
  const identity = identityHeaders(auth);
  if (!identity) {
    const denial = invalidToken(options.realm);
    options.onError?.(new Error('claim not forwardable in a header'), {
      status: 401,
      code: 'ERR_FORWARD_UNSAFE_CLAIM',
      uri,
    });
    return { status: 401, headers: denial.headers, body: denial.body, auth: undefined };
  }
  return { status: 200, headers: identity, body: undefined, auth };
}

/**
 * Sync and pure apart from the verifier: decides one forward-auth request from its headers. A
 * RemoteVerifier must be ready (else 503); `verifier` may also be a plain core verifier function.
 */
export function authorizeRequest(
  headers: HeaderSource,
  verifier: TokenVerifier,
  options: ForwardAuthOptions = {},
): ForwardAuthResult {
  const { parts, auth, uri } = prepare(headers, options);
  return conclude(authenticateSync(parts, verifier, auth), options, uri);
}

/** The same, but waits for a RemoteVerifier's first key set and refetches once for an unknown kid. */
export async function authorizeRequestAsync(
  headers: HeaderSource,
  verifier: TokenVerifier,
  options: ForwardAuthOptions = {},
): Promise<ForwardAuthResult> {
  const { parts, auth, uri } = prepare(headers, options);
  return conclude(await authenticateAsync(parts, verifier, auth), options, uri);
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** A node:http handler answering forward-auth subrequests on any path. */
export function createForwardAuthHandler(
  verifier: TokenVerifier,
  options: ForwardAuthOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  return function forwardAuth(req, res) {
    // authorizeRequestAsync never rejects: every failure is already a 401/403/503 result.
    void authorizeRequestAsync(req.headers, verifier, options).then((result) => send(res, result));
  };
}

function send(res: ServerResponse, result: ForwardAuthResult): void {
  const headers: Record<string, string> = { ...result.headers, 'cache-control': 'no-store' };
  if (result.body === undefined) {
    res.writeHead(200, { ...headers, 'content-length': '0' });
    res.end();
    return;
  }
  const body = JSON.stringify(result.body);
  res.writeHead(result.status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
  });
  res.end(body);
}
