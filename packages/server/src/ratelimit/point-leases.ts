// Point leases: a busy key takes its points from a shared counter (PostgreSQL, Redis) several at a
// time, and the requests that follow spend them in this process without a round trip.
// - Points are counted in the shared store before they are spent, so the instances together never
//   admit more than the limit. A lease's unspent points die with its window; a key served by N
//   instances may therefore be refused up to N × (maxLease − 1) requests early, never late.
// - A key starts at one point per request, exact: an address that refreshes a few times per window
//   (a browser, a phone) never holds a lease. The lease doubles each time the key comes back within
//   its window, up to `maxLease`, and never asks for more than the store said was left.
// - Once a key reaches its limit, this instance refuses it until the window resets without asking
//   again: the answer could not change (no block duration), and a flood from one address stops
//   reaching the database.
// Why: on PostgreSQL without Redis, the per-IP refresh counter was an upsert on one hot row per
// refresh; a backend-for-frontend, a NAT or a proxy sends every refresh from one address.
import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';

export interface LeaseOutcome {
  allowed: boolean;
  /** Points the client may still use in this window (this instance's lease included). */
  remaining: number;
  msBeforeNext: number;
  /** This request is the one that took the key over its limit (audited once per window). */
  crossedLimit: boolean;
}

export interface PointLeasesOptions {
  /** The limit: `points` per window. */
  points: number;
  /** Points one lease takes at most (2 or more). */
  maxLease: number;
  /** Keys remembered at most; the least recently refilled are forgotten first (their points unused). */
  maxKeys?: number;
  now?: () => number;
}

interface Lease {
  /** Points taken from the store and not spent yet. */
  left: number;
  /** The last lease's size (the next one doubles it). */
  size: number;
  /** What the store had left after the last lease. */
  storeRemaining: number;
  /** When the store's window for this key ends (ms). */
  resetAt: number;
  /** The store refused: refuse locally until `resetAt`. */
  refused: boolean;
  /** This lease reached the limit: once it is spent, the key is refused until `resetAt`. */
  last: boolean;
  /** A lease being taken from the store; other requests for the key wait for it. */
  refill: Promise<LeaseOutcome> | undefined;
}

/** A key with nothing taken yet (its window ended at 0: the next request asks the store). */
const blankLease = (): Lease => ({
  left: 0,
  size: 0,
  storeRemaining: 0,
  resetAt: 0,
  refused: false,
  last: false,
  refill: undefined,
});

export interface PointLeases {
  consume(key: string): Promise<LeaseOutcome>;
  /** No live lease for the key in this instance: its next point may be taken one at a time elsewhere. */
  fresh(key: string): boolean;
  /** One point taken elsewhere (in the refresh's own statement): the key's count and window end. */
  record(key: string, consumedPoints: number, msBeforeNext: number): void;
}

export function pointLeases(limiter: RateLimiterAbstract, opts: PointLeasesOptions): PointLeases {
  const now = opts.now ?? Date.now;
  const maxKeys = opts.maxKeys ?? 10_000;
  const leases = new Map<string, Lease>();

  function remember(key: string, lease: Lease): void {
    leases.delete(key); // re-inserted last: Map order is the eviction order
    leases.set(key, lease);
    if (leases.size > maxKeys) leases.delete(leases.keys().next().value as string);
  }

  // One round trip: `size` points for the key. A refused lease may still straddle the limit: its
  // points under the limit are this instance's to spend (the store counted them), and the request
  // that finds them spent is the one that crossed the limit. Every lease covers its own range of
  // the store's count, so exactly one request, on one instance, reports the crossing.
  async function refill(key: string, lease: Lease, size: number): Promise<LeaseOutcome> {
    let res: RateLimiterRes;
    try {
      res = await limiter.consume(key, size);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      const usable = opts.points - (err.consumedPoints - size);
      lease.size = size;
      lease.storeRemaining = 0;
      lease.resetAt = now() + err.msBeforeNext;
      if (usable > 0) {
        lease.left = usable - 1;
        lease.last = true;
        return { allowed: true, remaining: lease.left, msBeforeNext: err.msBeforeNext, crossedLimit: false };
      }
      lease.left = 0;
      lease.refused = true;
      return { allowed: false, remaining: 0, msBeforeNext: err.msBeforeNext, crossedLimit: usable === 0 };
    }
    lease.size = size;
    lease.left = size - 1; // one is this request's
    lease.storeRemaining = res.remainingPoints;
    lease.resetAt = now() + res.msBeforeNext;
    lease.refused = false;
    lease.last = false;
    remember(key, lease);
    return {
      allowed: true,
      remaining: res.remainingPoints + lease.left,
      msBeforeNext: res.msBeforeNext,
      crossedLimit: false,
    };
  }

  async function consume(key: string): Promise<LeaseOutcome> {
    for (;;) {
      const at = now();
      let lease = leases.get(key);
      if (lease?.refill) {
        // Another request is taking a lease for this key: share it (or, if it failed, try again).
        await lease.refill.catch(() => undefined);
        continue;
      }
      if (lease && lease.resetAt <= at) lease = undefined; // its window is over
      if (lease && lease.left === 0 && (lease.refused || lease.last)) {
        // Spent up to the limit: this request is the first over it if the lease straddled it.
        const crossedLimit = lease.last;
        lease.last = false;
        lease.refused = true;
        return { allowed: false, remaining: 0, msBeforeNext: lease.resetAt - at, crossedLimit };
      }
      if (lease && lease.left > 0) {
        lease.left--;
        return {
          allowed: true,
          remaining: lease.storeRemaining + lease.left,
          msBeforeNext: lease.resetAt - at,
          crossedLimit: false,
        };
      }
      const size = lease ? Math.max(1, Math.min(opts.maxLease, lease.size * 2, lease.storeRemaining)) : 1;
      const entry = lease ?? blankLease();
      if (!lease) remember(key, entry);
      const pending = refill(key, entry, size);
      entry.refill = pending;
      try {
        return await pending;
      } finally {
        entry.refill = undefined;
      }
    }
  }

  return {
    consume,
    fresh(key) {
      const lease = leases.get(key);
      return lease === undefined || lease.resetAt <= now();
    },
    record(key, consumedPoints, msBeforeNext) {
      const lease = leases.get(key);
      if (lease?.refill) return; // a lease being taken will say more
      remember(key, {
        ...blankLease(),
        size: 1,
        storeRemaining: Math.max(0, opts.points - consumedPoints),
        resetAt: now() + msBeforeNext,
        refused: consumedPoints > opts.points,
      });
    },
  };
}
