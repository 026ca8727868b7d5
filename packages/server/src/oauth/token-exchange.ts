// RFC 8693 token exchange: an authenticated client (the actor) trades a user's access token for a
// token meant for another API. The subject token is fully verified (signature, issuer, expiry,
// deny-list) and its session must still be live; the target audience must be one the client may
// request; the scope can only narrow; `act` names the client (nested when the subject token was
// itself exchanged); `sid` is kept, so revoking the user's session kills the new token too; and
// the new token never outlives the subject token.
import type { JwtPayload } from '@tessera/core';
import type { Clock } from '../app-context.js';
import type { AccessTokenIssuer } from '../claims/access-token-issuer.js';
import type { ClientRecord, SessionStore, UserStore } from '../stores/types.js';
import { TOKEN_EXCHANGE_GRANT } from './client-admin.js';
import { OAuthError } from './oauth-error.js';
import { isServiceToken } from './token-kind.js';

export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
/** A chain longer than this (services calling services calling services...) is refused. */
export const MAX_ACT_DEPTH = 5;

export interface TokenExchangeRequest {
  subjectToken: string | undefined;
  subjectTokenType: string | undefined;
  requestedTokenType: string | undefined;
  actorToken: string | undefined;
  /** `audience` and `resource` parameters together (each may repeat). */
  audiences: string[];
  scope: string | undefined;
}

export interface ExchangedToken {
  accessToken: string;
  expiresIn: number;
  scope: string | undefined;
  audience: string;
  sub: string;
  sid: string;
}

export interface TokenExchangeDeps {
  /** Verifies signature, issuer, typ, expiry and the deny-list; any audience. */
  verifySubject(token: string): { payload: JwtPayload };
  tokens: Pick<AccessTokenIssuer, 'issueUserToken'>;
  users: Pick<UserStore, 'findById'>;
  sessions: Pick<SessionStore, 'get'>;
  clock: Clock;
  /** Seconds. */
  accessTtl: number;
}

function scopesOf(value: unknown): string[] | undefined {
  if (typeof value !== 'string') return undefined;
  return value.split(' ').filter(Boolean);
}

function actDepth(act: unknown): number {
  let depth = 0;
  let current = act;
  while (current !== null && typeof current === 'object' && depth <= MAX_ACT_DEPTH) {
    depth += 1;
    current = (current as { act?: unknown }).act;
  }
  return depth;
}

export async function exchangeToken(
  deps: TokenExchangeDeps,
  client: ClientRecord,
  request: TokenExchangeRequest,
): Promise<ExchangedToken> {
  if (!(client.grantTypes ?? []).includes(TOKEN_EXCHANGE_GRANT)) {
    throw new OAuthError('unauthorized_client', 'this client may not use token exchange');
  }
  if (request.subjectToken === undefined)
    throw new OAuthError('invalid_request', 'subject_token is required');
  if (request.subjectTokenType !== ACCESS_TOKEN_TYPE) {
    throw new OAuthError('invalid_request', `subject_token_type must be ${ACCESS_TOKEN_TYPE}`);
  }
  if (request.requestedTokenType !== undefined && request.requestedTokenType !== ACCESS_TOKEN_TYPE) {
    throw new OAuthError('invalid_request', `requested_token_type must be ${ACCESS_TOKEN_TYPE}`);
  }
  if (request.actorToken !== undefined) {
    throw new OAuthError(
      'invalid_request',
      'actor_token is not supported: the authenticated client is the actor',
    );
  }
  const [audience, ...more] = request.audiences;
  if (audience === undefined) throw new OAuthError('invalid_request', 'audience is required');
  if (more.length > 0) throw new OAuthError('invalid_target', 'ask for one audience per exchange');
  if (!client.audiences.includes(audience)) {
    throw new OAuthError('invalid_target', 'the client may not request this audience');
  }

  let subject: JwtPayload;
  try {
    subject = deps.verifySubject(request.subjectToken).payload;
  } catch {
    throw new OAuthError('invalid_grant', 'the subject token is invalid, expired or revoked');
  }
  if (isServiceToken(subject) || typeof subject.sub !== 'string' || typeof subject.sid !== 'string') {
    throw new OAuthError('invalid_grant', 'the subject token must be a user access token');
  }
  if (actDepth(subject.act) >= MAX_ACT_DEPTH) {
    throw new OAuthError('invalid_grant', `the delegation chain is longer than ${MAX_ACT_DEPTH}`);
  }
  const now = deps.clock.now();
  const [user, session] = await Promise.all([
    deps.users.findById(subject.sub),
    deps.sessions.get(subject.sid),
  ]);
  if (
    !user ||
    user.disabled ||
    !session ||
    session.userId !== user.id ||
    session.revokedAt !== null ||
    session.expiresAt <= now
  ) {
    throw new OAuthError('invalid_grant', 'the subject token is invalid, expired or revoked');
  }

  // Scope only narrows: within the subject token's scope (when it has one) and the client's.
  const subjectScopes = scopesOf(subject.scope);
  const requested = request.scope === undefined ? undefined : request.scope.split(' ').filter(Boolean);
  let granted: string[] | undefined;
  if (requested !== undefined && requested.length > 0) {
    const wider = requested.find(
      (s) => !client.scopes.includes(s) || (subjectScopes && !subjectScopes.includes(s)),
    );
    if (wider !== undefined)
      throw new OAuthError('invalid_scope', `scope "${wider.slice(0, 64)}" is wider than allowed`);
    granted = [...new Set(requested)];
  } else if (subjectScopes !== undefined) {
    granted = subjectScopes.filter((s) => client.scopes.includes(s));
  }
  const scope = granted === undefined || granted.length === 0 ? undefined : granted.join(' ');

  const nowSec = Math.floor(now / 1000);
  const ttl = Math.min(deps.accessTtl, (subject.exp as number) - nowSec);
  if (ttl < 1) throw new OAuthError('invalid_grant', 'the subject token is about to expire');

  const act = subject.act === undefined ? { sub: client.id } : { sub: client.id, act: subject.act };
  const roles = Array.isArray(subject.roles) ? subject.roles.filter((r) => typeof r === 'string') : [];
  const accessToken = await deps.tokens.issueUserToken({
    user,
    session,
    client,
    audience,
    scope,
    ttl,
    base: { sub: user.id, sid: session.id, roles, act, ...(scope !== undefined ? { scope } : {}) },
  });
  return { accessToken, expiresIn: ttl, scope, audience, sub: user.id, sid: session.id };
}
