// Which tokens a route accepts (RFC 8725 section 3.11: a token of one kind is never accepted as
// another). A service token (OAuth client_credentials) names its client in `client_id` and as
// `sub` and has no session; any other token is a user's. A delegated token is a user token that a
// service obtained by token exchange (RFC 8693): its `act` claim names the acting service.

export type TokenKind = 'user' | 'service' | 'any';
export type Delegation = 'allow' | 'require' | 'refuse';

export interface TokenKindRules {
  /** Which tokens pass: 'user' (default), 'service', or 'any'. */
  tokenKind?: TokenKind;
  /** Tokens obtained by token exchange (`act` present): 'allow' (default), 'require' or 'refuse'. */
  delegation?: Delegation;
  /** When set, a delegated token passes only if its acting client (`act.sub`) is listed. */
  allowedActors?: string[];
}

export function isServiceToken(payload: Record<string, unknown>): boolean {
  return (
    typeof payload.client_id === 'string' && payload.sub === payload.client_id && payload.sid === undefined
  );
}

/** Why the token is not acceptable under `rules` (a short code for logs), or undefined. */
export function tokenKindProblem(
  payload: Record<string, unknown>,
  rules: TokenKindRules,
): string | undefined {
  const kind = rules.tokenKind ?? 'user';
  const service = isServiceToken(payload);
  if (kind === 'user' && service) return 'ERR_TOKEN_KIND_SERVICE';
  if (kind === 'service' && !service) return 'ERR_TOKEN_KIND_USER';
  const act = payload.act;
  const delegated = act !== undefined;
  const delegation = rules.delegation ?? 'allow';
  if (delegation === 'require' && !delegated) return 'ERR_TOKEN_NOT_DELEGATED';
  if (delegation === 'refuse' && delegated) return 'ERR_TOKEN_DELEGATED';
  if (delegated && rules.allowedActors !== undefined) {
    const actor = act !== null && typeof act === 'object' ? (act as { sub?: unknown }).sub : undefined;
    if (typeof actor !== 'string' || !rules.allowedActors.includes(actor)) return 'ERR_TOKEN_ACTOR';
  }
  return undefined;
}
