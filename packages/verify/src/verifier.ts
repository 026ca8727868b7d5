// createRemoteVerifier: core's synchronous verifier over a remote JWKS and the revocation feed.
// After `ready()`, `verify(token)` does no I/O: keys and revocations are in memory and refreshed in
// the background.
import {
  type Alg,
  createVerifier,
  type JwsHeader,
  type JwtPayload,
  type KeySet,
  parseDuration,
  type TesseraKey,
  type Verifier,
} from '@tessera/core';
import { hasAll, stringList } from './auth-info.js';
import { InsufficientScope, JwksNotReady, RevocationsStale } from './errors.js';
import { type FetchLike, joinUrl } from './http.js';
import { createRemoteJwks, type JwksState } from './remote-jwks.js';
import { createRevocationStore, type RevocationEntry, type RevocationStore } from './revocation-store.js';
import { createRevocationFeed, type RevocationFeed, type RevocationFeedState } from './revocations.js';

export interface RevocationOptions {
  clientId?: string;
  clientSecret?: string;
  /** Feed endpoint; default `${issuer}/v1/revocations` (or the JWKS origin's). */
  url?: string;
  /** Seconds without contact with the feed after which tokens are refused. Default 60. */
  maxStaleness?: number;
  transport?: 'sse' | 'poll';
  /** 'fail-closed' (default) refuses every token while stale; 'fail-open' keeps verifying. */
  onStale?: 'fail-closed' | 'fail-open';
  pollIntervalMs?: number;
  sseIdleTimeoutMs?: number;
}

export interface RemoteVerifierOptions {
  issuer?: string;
  jwksUri?: string;
  /**
   * Origins (or URLs) a discovered `jwks_uri` may use besides the issuer's origin. Not needed with an
   * explicit `jwksUri`, which is trusted as configured.
   */
  jwksOrigins?: string[];
  /**
   * Required: the `aud` this service accepts (string or list). `false` accepts any audience, only for
   * a verifier that really serves every API of the issuer.
   */
  audience: string | string[] | false;
  algorithms?: Alg[];
  clockTolerance?: number | string;
  maxAge?: number | string;
  /** Expected `typ` header; default 'at+jwt' (RFC 9068), `false` to skip the check. */
  typ?: string | false;
  requiredClaims?: string[];
  maxTokenLength?: number;
  cache?: { max: number };
  /** Every token must carry all these roles (else ERR_AUTHZ_INSUFFICIENT_SCOPE). */
  requiredRoles?: string[];
  revocations?: RevocationOptions;
  fetch?: FetchLike;
  timeoutMs?: number;
  minRefreshSeconds?: number;
  maxRefreshSeconds?: number;
  unknownKidCooldownSeconds?: number;
  now?: () => number;
}

export interface VerifiedToken {
  header: JwsHeader;
  payload: JwtPayload;
}

export interface RemoteVerifierState extends Omit<JwksState, 'expiresAt' | 'fetches'> {
  revocations: RevocationFeedState | undefined;
}

export interface RemoteVerifier {
  /** Synchronous; throws TesseraError (bad token) or VerifyError (not ready, feed stale, role missing). */
  verify(token: string): VerifiedToken;
  /** Like verify, but waits for the first key set and refetches once for an unknown kid (cooldown). */
  verifyAsync(token: string): Promise<VerifiedToken>;
  /** Resolves once keys (and the first revocation snapshot) are loaded; rejects if that fails. */
  ready(): Promise<void>;
  readonly isReady: boolean;
  state(): RemoteVerifierState;
  /** Forces a JWKS refresh now (joins one in flight). */
  refreshKeys(): Promise<void>;
  /** Stops the revocation feed. */
  close(): void;
}

export function createRemoteVerifier(options: RemoteVerifierOptions): RemoteVerifier {
  if (!options || (!options.issuer && !options.jwksUri))
    throw new TypeError('options.issuer or options.jwksUri is required');
  checkAudienceOption(options.audience);
  const algorithms = options.algorithms ?? ['ES256'];
  const now = options.now ?? Date.now;
  const requiredRoles = options.requiredRoles;
  const typ = options.typ === undefined ? 'at+jwt' : options.typ;
  const grace = parseDuration(options.clockTolerance ?? 30);

  // A live view of the current keys: core looks keys up per call in a set it did not build, so new
  // keys are seen at once and the verified-token cache survives a refresh.
  let current: KeySet | undefined;
  const liveKeys: KeySet = {
    get: (kid) => current?.get(kid),
    get size() {
      return current?.size ?? 0;
    },
    list: (): TesseraKey[] => current?.list() ?? [],
  };

  let store: RevocationStore | undefined;
  let feed: RevocationFeed | undefined;
  let onStale: 'fail-closed' | 'fail-open' = 'fail-closed';

  const coreOptions: Parameters<typeof createVerifier>[0] = { keys: liveKeys, algorithms };
  if (options.issuer !== undefined) coreOptions.issuer = options.issuer;
  if (options.audience !== false) coreOptions.audience = options.audience;
  if (options.clockTolerance !== undefined) coreOptions.clockTolerance = options.clockTolerance;
  if (options.maxAge !== undefined) coreOptions.maxAge = options.maxAge;
  if (typ !== false) coreOptions.typ = typ;
  if (options.requiredClaims !== undefined) coreOptions.requiredClaims = options.requiredClaims;
  if (options.maxTokenLength !== undefined) coreOptions.maxTokenLength = options.maxTokenLength;
  if (options.cache !== undefined) coreOptions.cache = options.cache;
  if (options.now !== undefined) coreOptions.now = options.now;
  if (options.revocations) {
    const revocationStore = createRevocationStore({ now, graceSeconds: grace });
    store = revocationStore;
    coreOptions.isRevoked = (payload, header) => revocationStore.isRevoked(payload, header);
  }
  const core: Verifier = createVerifier(coreOptions);

  const jwks = createRemoteJwks({
    ...pick(options, [
      'jwksUri',
      'issuer',
      'jwksOrigins',
      'fetch',
      'timeoutMs',
      'minRefreshSeconds',
      'maxRefreshSeconds',
      'now',
    ]),
    ...(options.unknownKidCooldownSeconds === undefined
      ? {}
      : { unknownKidCooldownSeconds: options.unknownKidCooldownSeconds }),
    algorithms,
    onChange(keys, removed) {
      current = keys;
      for (const kid of removed) core.cache?.invalidateKid(kid);
    },
  });

  if (options.revocations && store) {
    const r = options.revocations;
    onStale = r.onStale ?? 'fail-closed';
    const url = r.url ?? feedUrl(options);
    feed = createRevocationFeed({
      url,
      store,
      ...pick(r, [
        'clientId',
        'clientSecret',
        'maxStaleness',
        'transport',
        'pollIntervalMs',
        'sseIdleTimeoutMs',
      ]),
      ...pick(options, ['fetch', 'timeoutMs', 'now']),
      onEntry: (entry) => invalidate(core, entry),
    });
  }

  // Start fetching keys now, so a service that only ever calls the sync verify() gets them.
  jwks.ensureLoaded().catch(() => {});

  function check(token: string): VerifiedToken {
    if (current === undefined) {
      jwks.ensureLoaded().catch(() => {}); // retried in the background, within the failure backoff
      throw new JwksNotReady();
    }
    if (feed && onStale === 'fail-closed' && feed.isStale()) throw new RevocationsStale();
    jwks.refreshIfExpired();
    let result: VerifiedToken;
    try {
      result = core(token);
    } catch (err) {
      if ((err as { code?: unknown }).code === 'ERR_JWKS_NO_MATCHING_KEY') jwks.refreshForUnknownKid();
      throw err;
    }
    if (requiredRoles && !hasAll(stringList(result.payload.roles), requiredRoles))
      throw new InsufficientScope();
    return result;
  }

  async function ready(): Promise<void> {
    if (current === undefined) await jwks.refresh();
    if (feed) await feed.ready();
  }

  return {
    verify: check,
    async verifyAsync(token) {
      if (current === undefined) await jwks.ensureLoaded();
      if (feed?.isStale()) await feed.ready().catch(() => {});
      try {
        return check(token);
      } catch (err) {
        if ((err as { code?: unknown }).code !== 'ERR_JWKS_NO_MATCHING_KEY') throw err;
        // check() already started a refetch if the cooldown allowed one; wait for it and retry once.
        const pending = jwks.refreshForUnknownKid();
        if (!pending) throw err;
        await pending.catch(() => {});
        return check(token);
      }
    },
    ready,
    get isReady() {
      return current !== undefined && (feed === undefined || !feed.isStale());
    },
    state() {
      const { keys, fetchedAt, age, lastError } = jwks.state();
      return { keys, fetchedAt, age, lastError, revocations: feed?.state() };
    },
    async refreshKeys() {
      await jwks.refresh();
    },
    close() {
      feed?.close();
    },
  };
}

/**
 * Without an audience, a token the issuer minted for any other API (or client) would pass here too:
 * the choice must be explicit.
 */
function checkAudienceOption(audience: unknown): void {
  if (audience === false) return;
  const valid =
    (typeof audience === 'string' && audience.length > 0) ||
    (Array.isArray(audience) &&
      audience.length > 0 &&
      audience.every((a) => typeof a === 'string' && a.length > 0));
  if (!valid) {
    throw new TypeError(
      'options.audience is required: the aud this service accepts (a string or a non-empty list), or false to accept any audience',
    );
  }
}

function invalidate(core: Verifier, entry: RevocationEntry): void {
  const cache = core.cache;
  if (!cache) return;
  if (entry.type === 'jti') cache.invalidateJti(entry.value);
  else if (entry.type === 'sid') cache.invalidateSid(entry.value);
  else cache.clear(); // no index by subject; "logout everywhere" is rare
}

function feedUrl(options: RemoteVerifierOptions): string {
  if (options.issuer) return joinUrl(options.issuer, '/v1/revocations');
  return new URL('/v1/revocations', options.jwksUri).href;
}

function pick<T extends object, K extends keyof T>(source: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}
