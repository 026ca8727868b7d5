// Where a bearer token may come from: the Authorization header (RFC 6750 §2.1), a cookie when one is
// named, and a query parameter only when explicitly enabled (§2.3; browsers cannot set headers on a
// WebSocket upgrade). More than one method in a request is refused, as §2 requires.

export interface ExtractOptions {
  /** Read the token from this cookie when there is no Authorization header. */
  cookie?: string;
  /** Accept `?access_token=` (or the given name). Off by default: URLs end up in logs. */
  query?: boolean | string;
}

/** The raw parts of a request that extraction looks at. */
export interface RequestParts {
  authorization: string | string[] | undefined;
  cookie: string | string[] | undefined;
  /** Path and query (`/a?b=c`) or a full URL. */
  url: string | undefined;
}

export type Extracted =
  | { kind: 'token'; token: string; source: 'header' | 'cookie' | 'query' }
  | { kind: 'none' }
  | { kind: 'invalid_request'; reason: string };

// b64token (RFC 6750 §2.1) after the scheme and one or more spaces; trailing whitespace tolerated.
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const SCHEME_ONLY = /^bearer *$/i;

export function extractToken(parts: RequestParts, options: ExtractOptions = {}): Extracted {
  const header = single(parts.authorization);
  let fromHeader: string | undefined;
  if (header !== undefined) {
    const m = BEARER.exec(header);
    if (m) fromHeader = m[1] as string;
    else if (SCHEME_ONLY.test(header) || /^bearer\s/i.test(header)) {
      return { kind: 'invalid_request', reason: 'malformed bearer credentials' };
    }
    // Another scheme (Basic, DPoP ...) is not ours: treated as no bearer token.
  }

  let fromQuery: string | undefined;
  if (options.query) {
    const name = typeof options.query === 'string' ? options.query : 'access_token';
    const values = queryValues(parts.url, name);
    if (values.length > 1) return { kind: 'invalid_request', reason: 'more than one token in the query' };
    if (values.length === 1) fromQuery = values[0];
  }

  if (fromHeader !== undefined && fromQuery !== undefined) {
    return { kind: 'invalid_request', reason: 'token sent by more than one method' };
  }
  if (fromHeader !== undefined) return { kind: 'token', token: fromHeader, source: 'header' };
  if (fromQuery !== undefined) {
    if (fromQuery === '') return { kind: 'invalid_request', reason: 'empty token in the query' };
    return { kind: 'token', token: fromQuery, source: 'query' };
  }
  if (options.cookie) {
    const value = readCookie(single(parts.cookie), options.cookie);
    if (value !== undefined && value !== '') return { kind: 'token', token: value, source: 'cookie' };
  }
  return { kind: 'none' };
}

function single(value: string | string[] | undefined): string | undefined {
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.join('; ');
  return value;
}

function queryValues(url: string | undefined, name: string): string[] {
  if (!url) return [];
  const q = url.indexOf('?');
  if (q === -1) return [];
  const hash = url.indexOf('#', q);
  return new URLSearchParams(url.slice(q + 1, hash === -1 ? undefined : hash)).getAll(name);
}

/** The value of cookie `name` (RFC 6265 §5.4 syntax; first occurrence wins, quotes stripped). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1) continue;
    if (pair.slice(0, eq).trim() !== name) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return undefined;
}
