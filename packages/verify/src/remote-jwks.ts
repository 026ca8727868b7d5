// A remote JWKS kept in memory: fetched with a timeout, refreshed after Cache-Control max-age (held
// between a floor and a ceiling), one fetch in flight at a time, refetched on an unknown kid at most
// once per cooldown, and the last good key set kept while the server is down.
import {
  type Alg,
  createKeySet,
  importJwks,
  type JsonWebKey,
  type KeySet,
  type TesseraKey,
} from '@tessera/core';
import { JwksFetchFailed, JwksNotReady, JwksTimeout } from './errors.js';
import { cacheMaxAge, clamp, type FetchLike, fetchJson, joinUrl } from './http.js';

export interface RemoteJwksOptions {
  /** Where the key set lives; when absent it is discovered from `${issuer}/.well-known/openid-configuration`. */
  jwksUri?: string;
  issuer?: string;
  /**
   * Origins (or JWKS URLs, whose origin counts) a *discovered* `jwks_uri` may point to besides the
   * issuer's own origin. Without it, a discovery document naming a key set elsewhere is refused.
   */
  jwksOrigins?: readonly string[];
  algorithms: Alg[];
  fetch?: FetchLike;
  timeoutMs?: number;
  minRefreshSeconds?: number;
  maxRefreshSeconds?: number;
  /** Used when the response has no Cache-Control max-age (then clamped to the floor/ceiling). */
  defaultRefreshSeconds?: number;
  unknownKidCooldownSeconds?: number;
  now?: () => number;
  /** Called after a fetch changed the key set, with the kids that disappeared or changed material. */
  onChange?: (keys: KeySet, removedKids: string[]) => void;
}

export interface JwksState {
  keys: string[];
  fetchedAt: number | undefined;
  age: number | undefined;
  expiresAt: number | undefined;
  lastError: { code: string; message: string; at: number } | undefined;
  fetches: number;
}

export interface RemoteJwks {
  /** The current key set, or undefined before the first successful fetch. */
  readonly keys: KeySet | undefined;
  /** Fetch now, joining a fetch already in flight. Rejects on failure (the old keys stay). */
  refresh(): Promise<KeySet>;
  /** Resolves with the key set, fetching it if none is loaded (within the failure backoff it rejects). */
  ensureLoaded(): Promise<KeySet>;
  /** Starts a background refresh when the cached set is past its max-age (and no failure backoff). */
  refreshIfExpired(): void;
  /** Starts a refresh for an unknown kid unless one ran within the cooldown; returns it or undefined. */
  refreshForUnknownKid(): Promise<KeySet> | undefined;
  state(): JwksState;
}

interface Entry {
  key: TesseraKey;
  json: string;
}

export function createRemoteJwks(options: RemoteJwksOptions): RemoteJwks {
  if (!options.jwksUri && !options.issuer) throw new TypeError('jwksUri or issuer is required');
  const fetchImpl: FetchLike = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 5000;
  const floor = (options.minRefreshSeconds ?? 30) * 1000;
  const ceiling = (options.maxRefreshSeconds ?? 3600) * 1000;
  if (floor > ceiling) throw new TypeError('minRefreshSeconds must not exceed maxRefreshSeconds');
  const defaultTtl = (options.defaultRefreshSeconds ?? 300) * 1000;
  const cooldown = (options.unknownKidCooldownSeconds ?? 30) * 1000;
  const timeoutError = (cause: unknown) => new JwksTimeout({ cause });
  const trustedJwksOrigins = options.issuer ? jwksOriginsOf(options.issuer, options.jwksOrigins) : undefined;

  let jwksUri = options.jwksUri;
  let entries = new Map<string, Entry>();
  let keys: KeySet | undefined;
  let fetchedAt: number | undefined;
  let expiresAt: number | undefined;
  let lastAttemptAt = Number.NEGATIVE_INFINITY;
  let retryAt = 0; // failure backoff: no automatic retry before this instant
  let failures = 0;
  let fetches = 0;
  let lastError: JwksState['lastError'];
  let inFlight: Promise<KeySet> | undefined;

  async function discover(): Promise<string> {
    const issuer = options.issuer as string;
    const url = joinUrl(issuer, '/.well-known/openid-configuration');
    const { response, body } = await fetchJson(fetchImpl, url, { headers: accept }, timeoutMs, timeoutError);
    const doc = body as { issuer?: unknown; jwks_uri?: unknown } | undefined;
    if (!response.ok || typeof doc?.jwks_uri !== 'string') {
      throw new JwksFetchFailed('discovery document has no jwks_uri');
    }
    // OpenID Connect Discovery 1.0 §4.3: the document must name the issuer we asked about.
    if (doc.issuer !== undefined && doc.issuer !== issuer && doc.issuer !== issuer.replace(/\/+$/, '')) {
      throw new JwksFetchFailed('discovery document names another issuer');
    }
    // Whoever can change the discovery document (a cache, a proxy, a compromised static host) must
    // not be able to point verification at keys of their own: same origin as the issuer, or named.
    let discovered: URL;
    try {
      discovered = new URL(doc.jwks_uri);
    } catch {
      throw new JwksFetchFailed('discovery document has an invalid jwks_uri');
    }
    if (!trustedJwksOrigins?.has(discovered.origin)) {
      throw new JwksFetchFailed(
        'discovered jwks_uri is not on the issuer origin (allow it with the jwksOrigins option)',
      );
    }
    return discovered.href;
  }

  async function load(): Promise<KeySet> {
    fetches++;
    if (jwksUri === undefined) jwksUri = await discover();
    const { response, body } = await fetchJson(
      fetchImpl,
      jwksUri,
      { headers: accept },
      timeoutMs,
      timeoutError,
    );
    if (!response.ok) throw new JwksFetchFailed(`key set answered HTTP ${response.status}`);
    const list = (body as { keys?: unknown } | undefined)?.keys;
    if (!Array.isArray(list)) throw new JwksFetchFailed('key set is not a JWKS');
    const next = importUsable(list, options.algorithms, entries);
    if (next.size === 0) throw new JwksFetchFailed('key set has no usable key');
    const removed: string[] = [];
    for (const [kid, entry] of entries) {
      if (next.get(kid)?.json !== entry.json) removed.push(kid);
    }
    const changed = removed.length > 0 || next.size !== entries.size || keys === undefined;
    entries = next;
    const ttl = cacheMaxAge(response.headers.get('cache-control')) ?? defaultTtl / 1000;
    fetchedAt = now();
    expiresAt = fetchedAt + clamp(ttl * 1000, floor, ceiling);
    if (changed) {
      keys = createKeySet([...next.values()].map((e) => e.key));
      options.onChange?.(keys, removed);
    }
    return keys as KeySet;
  }

  function refresh(): Promise<KeySet> {
    if (inFlight) return inFlight;
    lastAttemptAt = now();
    inFlight = load()
      .then(
        (set) => {
          failures = 0;
          retryAt = 0;
          lastError = undefined;
          return set;
        },
        (err: unknown) => {
          failures++;
          // Back off 1 s, 2 s, 4 s ... up to the floor, so a down server is not hammered per request.
          retryAt = now() + Math.min(floor, 1000 * 2 ** Math.min(failures - 1, 16));
          const wrapped =
            err instanceof JwksFetchFailed || err instanceof JwksTimeout
              ? err
              : new JwksFetchFailed('fetching the key set failed', { cause: err });
          lastError = { code: wrapped.code, message: wrapped.message, at: now() };
          throw wrapped;
        },
      )
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  }

  function background(promise: Promise<KeySet>): Promise<KeySet> {
    promise.catch(() => {}); // recorded in lastError; the caller keeps the last good keys
    return promise;
  }

  return {
    get keys() {
      return keys;
    },
    refresh,
    ensureLoaded() {
      if (keys) return Promise.resolve(keys);
      if (inFlight) return inFlight;
      if (now() < retryAt) return Promise.reject(new JwksNotReady());
      return refresh();
    },
    refreshIfExpired() {
      const t = now();
      if (inFlight || t < retryAt) return;
      if (expiresAt === undefined || t >= expiresAt) background(refresh());
    },
    refreshForUnknownKid() {
      if (inFlight) return inFlight;
      const t = now();
      if (t - lastAttemptAt < cooldown || t < retryAt) return undefined;
      return background(refresh());
    },
    state() {
      const t = now();
      return {
        keys: [...entries.keys()],
        fetchedAt,
        age: fetchedAt === undefined ? undefined : t - fetchedAt,
        expiresAt,
        lastError,
        fetches,
      };
    },
  };
}

const accept = { accept: 'application/json' };

function jwksOriginsOf(issuer: string, extra: readonly string[] = []): Set<string> {
  if (!Array.isArray(extra)) throw new TypeError('options.jwksOrigins must be an array of origins or URLs');
  const origins = new Set<string>();
  const add = (value: unknown, path: string) => {
    let url: URL;
    try {
      url = new URL(value as string);
    } catch {
      throw new TypeError(`${path} must be an absolute URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new TypeError(`${path} must be an http(s) URL`);
    }
    origins.add(url.origin);
  };
  add(issuer, 'options.issuer');
  extra.forEach((value, i) => {
    add(value, `options.jwksOrigins[${i}]`);
  });
  return origins;
}

/** Imports each usable signing key on its own, so one odd key does not hide the others. */
function importUsable(list: unknown[], algorithms: Alg[], previous: Map<string, Entry>): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const jwk of list) {
    if (jwk === null || typeof jwk !== 'object') continue;
    const j = jwk as JsonWebKey;
    if (j.use !== undefined && j.use !== 'sig') continue;
    const json = JSON.stringify(jwk);
    const kid = typeof j.kid === 'string' ? j.kid : undefined;
    const old = kid === undefined ? undefined : previous.get(kid);
    if (old && old.json === json) {
      out.set(old.key.kid, old); // unchanged: keep the imported KeyObject
      continue;
    }
    try {
      for (const key of importJwks({ keys: [j] }, { algorithms }).list()) out.set(key.kid, { key, json });
    } catch {
      // an algorithm we do not accept or a malformed key: skip it
    }
  }
  return out;
}
