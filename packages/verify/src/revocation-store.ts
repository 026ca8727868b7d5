// The local deny-list fed by the revocation feed. Lookups are four Map probes (jti, sid, sub, and
// the signing key's kid from the header: a revoked key takes every token it signed with it), so
// checking a token costs the same with ten entries or a million. Entries are dropped at their `exp`
// through per-second buckets: a sweep touches only the seconds that passed and the entries that died.

/** One entry of the feed, as GET /v1/revocations and the SSE stream send it. */
export interface RevocationEntry {
  cursor?: string;
  /** `kid`: every token signed with that key (a revoked signing key). */
  type: 'jti' | 'sid' | 'sub' | 'kid';
  value: string;
  /** Unix seconds after which every token the entry covers has expired. */
  exp: number;
  /** For `sub`: tokens of the subject issued before this instant (unix seconds) are revoked. */
  iat_before?: number;
}

export interface RevocationStore {
  /** Adds (or widens) an entry; returns false when it was ignored (malformed or already expired). */
  add(entry: RevocationEntry): boolean;
  /** `header` (the JWS header) is needed for `kid` entries; without it they are not checked. */
  isRevoked(
    payload: { jti?: unknown; sid?: unknown; sub?: unknown; iat?: unknown },
    header?: { kid?: unknown },
  ): boolean;
  /** Drops entries whose `exp` has passed. Called on add and by the feed's timer. */
  sweep(): void;
  clear(): void;
  readonly size: number;
}

interface SubEntry {
  iatBefore: number;
  exp: number;
}

export interface RevocationStoreOptions {
  now?: () => number;
  /**
   * Seconds an entry outlives its `exp`. Set it to the verifier's clock tolerance: a token is still
   * accepted that long after its own `exp`, so its revocation must last as long.
   */
  graceSeconds?: number;
}

export function createRevocationStore(opts: RevocationStoreOptions = {}): RevocationStore {
  const now = opts.now ?? Date.now;
  const grace = opts.graceSeconds ?? 30;
  const jtis = new Map<string, number>(); // jti -> exp
  const sids = new Map<string, number>(); // sid -> exp
  const subs = new Map<string, SubEntry>();
  const kids = new Map<string, number>(); // kid -> exp
  // exp second -> keys ('j' | 's' | 'u' | 'k' + value) that may die then; checked again on sweep.
  const buckets = new Map<number, string[]>();
  let sweptUpTo = Math.floor(now() / 1000);

  function schedule(exp: number, key: string): void {
    const bucket = buckets.get(exp);
    if (bucket) bucket.push(key);
    else buckets.set(exp, [key]);
  }

  function expire(key: string, second: number): void {
    const kind = key.charCodeAt(0);
    const value = key.slice(1);
    if (kind === 106 /* j */) {
      if ((jtis.get(value) ?? Number.POSITIVE_INFINITY) <= second) jtis.delete(value);
    } else if (kind === 115 /* s */) {
      if ((sids.get(value) ?? Number.POSITIVE_INFINITY) <= second) sids.delete(value);
    } else if (kind === 107 /* k */) {
      if ((kids.get(value) ?? Number.POSITIVE_INFINITY) <= second) kids.delete(value);
    } else if ((subs.get(value)?.exp ?? Number.POSITIVE_INFINITY) <= second) {
      subs.delete(value);
    }
  }

  function sweep(): void {
    const nowSec = Math.floor(now() / 1000);
    if (nowSec <= sweptUpTo) return;
    // Walk the seconds that passed, unless far fewer buckets exist than seconds (after a long sleep).
    if (nowSec - sweptUpTo <= buckets.size) {
      for (let s = sweptUpTo + 1; s <= nowSec; s++) {
        const bucket = buckets.get(s);
        if (!bucket) continue;
        buckets.delete(s);
        for (const key of bucket) expire(key, s);
      }
    } else {
      for (const [s, bucket] of buckets) {
        if (s > nowSec) continue;
        buckets.delete(s);
        for (const key of bucket) expire(key, s);
      }
    }
    sweptUpTo = nowSec;
  }

  return {
    add(entry) {
      if (!isEntry(entry)) return false;
      sweep();
      const exp = Math.ceil(entry.exp) + grace;
      if (exp <= sweptUpTo) return false;
      if (entry.type === 'jti') {
        if ((jtis.get(entry.value) ?? 0) >= exp) return true;
        jtis.set(entry.value, exp);
        schedule(exp, 'j' + entry.value);
      } else if (entry.type === 'sid') {
        if ((sids.get(entry.value) ?? 0) >= exp) return true;
        sids.set(entry.value, exp);
        schedule(exp, 's' + entry.value);
      } else if (entry.type === 'kid') {
        if ((kids.get(entry.value) ?? 0) >= exp) return true;
        kids.set(entry.value, exp);
        schedule(exp, 'k' + entry.value);
      } else {
        const iatBefore = entry.iat_before as number;
        const old = subs.get(entry.value);
        // A later "logout everywhere" widens the earlier one; both deadlines keep the max.
        const merged = {
          iatBefore: Math.max(iatBefore, old?.iatBefore ?? 0),
          exp: Math.max(exp, old?.exp ?? 0),
        };
        subs.set(entry.value, merged);
        if (merged.exp !== old?.exp) schedule(merged.exp, 'u' + entry.value);
      }
      return true;
    },
    isRevoked(payload, header) {
      const { jti, sid, sub } = payload;
      const kid = header?.kid;
      if (typeof kid === 'string' && kids.size > 0 && kids.has(kid)) return true;
      if (typeof jti === 'string' && jtis.size > 0 && jtis.has(jti)) return true;
      if (typeof sid === 'string' && sids.size > 0 && sids.has(sid)) return true;
      if (typeof sub === 'string' && subs.size > 0) {
        const entry = subs.get(sub);
        if (entry) {
          const iat = payload.iat;
          // No usable iat: the token cannot prove it came after the cut-off, so it is refused.
          return typeof iat !== 'number' || !Number.isFinite(iat) || iat < entry.iatBefore;
        }
      }
      return false;
    },
    sweep,
    clear() {
      jtis.clear();
      sids.clear();
      subs.clear();
      kids.clear();
      buckets.clear();
    },
    get size() {
      return jtis.size + sids.size + subs.size + kids.size;
    },
  };
}

function isEntry(entry: RevocationEntry): boolean {
  if (entry === null || typeof entry !== 'object') return false;
  if (typeof entry.value !== 'string' || entry.value.length === 0) return false;
  if (typeof entry.exp !== 'number' || !Number.isFinite(entry.exp)) return false;
  if (entry.type === 'jti' || entry.type === 'sid' || entry.type === 'kid') return true;
  return entry.type === 'sub' && typeof entry.iat_before === 'number' && Number.isFinite(entry.iat_before);
}
