// Small fetch helpers shared by the JWKS and revocation clients: one timeout covering headers and
// body, and the few Cache-Control rules a key set needs.
export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** Fetches `url` and parses JSON; the whole exchange (headers and body) is bounded by `timeoutMs`. */
export async function fetchJson(
  fetchImpl: FetchLike,
  url: string,
  init: RequestInit,
  timeoutMs: number,
  timeoutError: (cause: unknown) => Error,
): Promise<{ response: Response; body: unknown }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetchImpl(url, { ...init, signal: controller.signal });
    const text = await response.text();
    let body: unknown;
    try {
      body = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { response, body };
  } catch (err) {
    if (controller.signal.aborted) throw timeoutError(err);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Seconds a response may be cached: `max-age` when present, 0 for no-store/no-cache, otherwise
 * undefined (the caller applies its default). `s-maxage` is for shared caches, not for us.
 */
export function cacheMaxAge(headerValue: string | null): number | undefined {
  if (headerValue === null) return undefined;
  let maxAge: number | undefined;
  for (const part of headerValue.split(',')) {
    const directive = part.trim().toLowerCase();
    if (directive === 'no-store' || directive === 'no-cache') return 0;
    if (directive.startsWith('max-age=')) {
      const value = Number(directive.slice(8).replace(/^"|"$/g, ''));
      if (Number.isFinite(value) && value >= 0) maxAge = Math.floor(value);
    }
  }
  return maxAge;
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Joins an issuer (with or without a trailing slash) and an absolute path. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}
