// How a route authenticates, for the API description, where a route checks credentials itself
// (routes behind requireAuth/requireRole are marked bearer-only automatically). The names are the
// security schemes of openapi/components.ts. `{}` in a list: the route also answers without it.
type SchemeName = 'bearerAuth' | 'clientBasic' | 'refreshCookie' | 'metricsToken';
type Requirement = Readonly<Partial<Record<SchemeName, readonly string[]>>>;

function anyOf(...names: Array<SchemeName | 'none'>): ReadonlyArray<Requirement> {
  return names.map((name) => (name === 'none' ? {} : { [name]: [] }));
}

export const SECURITY = {
  /** A bearer access token. */
  bearer: anyOf('bearerAuth'),
  /** A bearer token, or none (e.g. the enrolment mfa_token or a refresh token in the body). */
  bearerOrNone: anyOf('bearerAuth', 'none'),
  /** The refresh cookie, or the refresh token in the body. */
  refreshCookieOrBody: anyOf('refreshCookie', 'none'),
  /** A bearer token, else the refresh cookie (or the refresh token in the body). */
  bearerOrRefresh: anyOf('bearerAuth', 'refreshCookie', 'none'),
  /** An OAuth client (Basic, or client_id/client_secret in the body), or an admin's bearer token. */
  clientOrAdmin: anyOf('clientBasic', 'bearerAuth', 'none'),
  /** The token endpoint: client authentication (none for the refresh_token grant). */
  tokenEndpoint: anyOf('clientBasic', 'none'),
  /** TESSERA_METRICS_TOKEN when set; open to loopback otherwise. */
  metrics: anyOf('metricsToken', 'none'),
} as const;
