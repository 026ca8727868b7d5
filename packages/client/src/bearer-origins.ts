// Which URLs may receive the access token. The token is a bearer credential: whoever holds it acts as
// the user until it expires, so `client.fetch` attaches it only to origins the app named, never to a
// URL that merely passed through the wrapper (a third-party API, an analytics endpoint, a link a user
// typed). The auth server's own origin is always allowed.

/** Turns `baseUrl` and the allow-list into a set of exact origins (scheme, host and port). */
export function createBearerOrigins(baseUrl: string, allowed: readonly string[] = []): ReadonlySet<string> {
  const origins = new Set<string>([new URL(baseUrl).origin]);
  if (!Array.isArray(allowed)) throw new TypeError('options.allowedOrigins must be an array of origins');
  allowed.forEach((value, i) => {
    origins.add(parseOrigin(value, `options.allowedOrigins[${i}]`));
  });
  return origins;
}

function parseOrigin(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new TypeError(`${path} must be a string`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`${path} must be an absolute http(s) origin such as https://api.example.com`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`${path} must use http: or https:`);
  }
  // An origin has no path, query or credentials: refuse them rather than silently widen or narrow.
  if (
    (url.pathname !== '/' && url.pathname !== '') ||
    url.search ||
    url.hash ||
    url.username ||
    url.password
  ) {
    throw new TypeError(`${path} must be an origin only (no path, query or credentials)`);
  }
  return url.origin;
}

/** The origin a request goes to, or undefined when its URL cannot be parsed (then no token). */
export function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
