// Second-factor attempts are limited per user like password attempts per account
// (TESSERA_LOGIN_LIMIT_ACCOUNT, default 5/15m): each attempt is taken BEFORE the code is checked
// (so parallel guesses cannot all pass), a success clears the count, and once the limit is reached
// even the right code gets 429 until the window frees a slot.
import { type LimitSpec, parseLimitSpec } from '../ratelimit/rate-limits.js';
import type { LimitResult } from '../services/types.js';
import { memoryRateLimitStore, type RateLimitStore } from '../stores/rate-limit-store.js';

export interface MfaAttempts {
  /** Takes one attempt (atomically on every backend); refused once the budget is spent. */
  attempt(userId: string): Promise<LimitResult>;
  reset(userId: string): Promise<void>;
}

export function createMfaAttempts(
  spec: LimitSpec | string,
  store: RateLimitStore = memoryRateLimitStore(),
): MfaAttempts {
  const limit = parseLimitSpec(spec);
  const limiter = store.limiter({
    keyPrefix: 'tessera_mfa_user',
    points: limit.points,
    duration: limit.durationSec,
  });
  const result = (consumed: number, msBeforeNext: number, allowed: boolean): LimitResult => ({
    allowed,
    limit: limit.points,
    remaining: Math.max(0, limit.points - consumed),
    resetSeconds: Math.max(1, Math.ceil(msBeforeNext / 1000)),
  });
  return {
    async attempt(userId) {
      try {
        const res = await limiter.consume(userId);
        return result(res.consumedPoints, res.msBeforeNext, true);
      } catch (err) {
        const res = err as { consumedPoints?: number; msBeforeNext?: number };
        if (typeof res.consumedPoints !== 'number') throw err;
        return result(res.consumedPoints, res.msBeforeNext ?? 0, false);
      }
    },
    async reset(userId) {
      await limiter.delete(userId);
    },
  };
}
