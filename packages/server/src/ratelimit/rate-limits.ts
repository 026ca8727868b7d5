// RateLimits (services/types.ts): the login and refresh limits, on counters from a RateLimitStore
// (stores/rate-limit-store.ts: in memory for one instance, Redis or PostgreSQL for many), so the
// callers never know where the counters live.
import { createHash } from 'node:crypto';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { AuditLog, InlineRefreshLimit, LimitResult, RateLimits } from '../services/types.js';
import { memoryRateLimitStore, type RateLimitStore } from '../stores/rate-limit-store.js';
import { type LeaseOutcome, type PointLeases, pointLeases } from './point-leases.js';

/** `points` requests (or failed attempts) per window of `durationSec` seconds. */
export interface LimitSpec {
  readonly points: number;
  readonly durationSec: number;
}

export type LimitName = 'login_ip' | 'login_account' | 'refresh_ip';

export interface CreateRateLimitsOptions {
  limits: { loginIp: LimitSpec | string; loginAccount: LimitSpec | string; refreshIp: LimitSpec | string };
  /** Where the counters live; in this process by default. */
  store?: RateLimitStore;
  /** Called whenever a request is refused (metrics). */
  onLimited?: (name: LimitName) => void;
  /**
   * Records `rate_limited` once per key and window (not once per refused request, so an attack
   * cannot flood the audit log): when an IP or an account first goes over its limit.
   */
  audit?: AuditLog;
}

/** Parses "N/DURATION" with DURATION in seconds or s/m/h/d units ("5/15m", "100/900"). */
export function parseLimitSpec(value: LimitSpec | string): LimitSpec {
  if (typeof value !== 'string') return value;
  const m = /^\s*(\d{1,9})\s*\/\s*(\d{1,9})\s*([smhd]?)\s*$/.exec(value);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) {
    throw new TypeError(`rate limit "${value}": expected COUNT/DURATION, e.g. 5/15m`);
  }
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[3] as '' | 's' | 'm' | 'h' | 'd'];
  return { points: Number(m[1]), durationSec: Number(m[2]) * unit };
}

// Account keys are hashed: a shared limiter backend (Redis) then never holds e-mail addresses.
function accountKey(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('base64url').slice(0, 22);
}

export function createRateLimits(opts: CreateRateLimitsOptions): RateLimits {
  const store = opts.store ?? memoryRateLimitStore();
  const make = (name: LimitName, spec: LimitSpec) => ({
    name,
    spec,
    limiter: store.limiter({ keyPrefix: `tessera_${name}`, points: spec.points, duration: spec.durationSec }),
  });
  const loginIp = make('login_ip', parseLimitSpec(opts.limits.loginIp));
  const loginAccount = make('login_account', parseLimitSpec(opts.limits.loginAccount));
  const refreshIp = make('refresh_ip', parseLimitSpec(opts.limits.refreshIp));

  function audit(name: LimitName, key: string): void {
    if (!opts.audit) return;
    const fields =
      name === 'login_account'
        ? { details: { limit: name, account: key } }
        : { ip: key, details: { limit: name } };
    // Auditing must never turn a refusal into an error.
    opts.audit.record('rate_limited', fields).catch(() => undefined);
  }

  type Limit = typeof loginIp;

  /** One take's outcome as a result: a refusal is metered, and audited if this take crossed the limit. */
  function settle(l: Limit, key: string, o: LeaseOutcome): LimitResult {
    if (!o.allowed) {
      opts.onLimited?.(l.name);
      if (o.crossedLimit) audit(l.name, key);
    }
    return {
      allowed: o.allowed,
      limit: l.spec.points,
      remaining: o.allowed ? o.remaining : 0,
      resetSeconds: Math.max(1, Math.ceil(o.msBeforeNext / 1000)),
    };
  }

  async function consume(l: Limit, key: string): Promise<LimitResult> {
    try {
      const res = await l.limiter.consume(key);
      return settle(l, key, {
        allowed: true,
        remaining: res.remainingPoints,
        msBeforeNext: res.msBeforeNext,
        crossedLimit: false,
      });
    } catch (err) {
      // rate-limiter-flexible rejects with a RateLimiterRes when over the limit; anything else is a
      // backend failure and propagates (a shared backend adds its own insurance limiter).
      if (!(err instanceof RateLimiterRes)) throw err;
      // Audited when the key first goes over its limit (once per window).
      return settle(l, key, {
        allowed: false,
        remaining: 0,
        msBeforeNext: err.msBeforeNext,
        crossedLimit: err.consumedPoints === l.spec.points + 1,
      });
    }
  }

  // Refreshes from one address (a backend-for-frontend, a NAT) take their points in leases when the
  // counters are shared (point-leases.ts); logins stay exact, one round trip per attempt, because
  // their budgets are small and refunded. In memory a lease would save nothing.
  const refreshMaxLease = Math.min(64, Math.floor(refreshIp.spec.points / 50));
  const refreshLeases: PointLeases | undefined =
    store.backend !== 'memory' && refreshMaxLease >= 2
      ? pointLeases(refreshIp.limiter, { points: refreshIp.spec.points, maxLease: refreshMaxLease })
      : undefined;

  // PostgreSQL counters without Redis: the rate-limit table is in the stores' database, so the
  // refresh's own statement can take the point (one round trip instead of two). Not for an address
  // holding leased points: those are spent here without any round trip.
  const inlineRefresh = store.backend === 'postgres';
  function refreshIpInline(ip: string): InlineRefreshLimit | undefined {
    if (refreshLeases && !refreshLeases.fresh(ip)) return undefined;
    const now = Date.now(); // rate-limiter-flexible's clock, which the other takes of this row use
    return {
      counter: {
        key: refreshIp.limiter.getKey(ip),
        points: refreshIp.spec.points,
        durationMs: refreshIp.spec.durationSec * 1000,
        now,
      },
      settle({ consumedPoints, expiresAt }) {
        const msBeforeNext = Math.max(0, expiresAt - now);
        refreshLeases?.record(ip, consumedPoints, msBeforeNext);
        return settle(refreshIp, ip, {
          allowed: consumedPoints <= refreshIp.spec.points,
          remaining: refreshIp.spec.points - consumedPoints,
          msBeforeNext,
          crossedLimit: consumedPoints === refreshIp.spec.points + 1,
        });
      },
    };
  }

  return {
    loginIp: (ip) => consume(loginIp, ip),
    loginAccountAttempt: (email) => consume(loginAccount, accountKey(email)),
    async loginAccountRefund(email) {
      await loginAccount.limiter.reward(accountKey(email), 1);
    },
    async loginAccountReset(email) {
      await loginAccount.limiter.delete(accountKey(email));
    },
    refreshIp: refreshLeases
      ? async (ip) => settle(refreshIp, ip, await refreshLeases.consume(ip))
      : (ip) => consume(refreshIp, ip),
    ...(inlineRefresh ? { refreshIpInline } : {}),
  };
}
