// Limits of the requests that send mail (forgot, resend, register notices, email change): per
// client IP (TESSERA_MAIL_LIMIT_IP) and per target address (TESSERA_MAIL_LIMIT_ADDRESS). Unknown
// addresses are counted exactly like known ones, so a 429 says nothing about whether an account
// exists. Addresses are keyed by a digest, so a shared backend never holds them.
import { createHash } from 'node:crypto';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimitSpec } from '../../config/rate-limit-spec.js';
import type { LimitResult } from '../../services/types.js';
import { memoryRateLimitStore, type RateLimitStore } from '../../stores/rate-limit-store.js';

export interface MailLimits {
  ip(ip: string): Promise<LimitResult>;
  address(email: string): Promise<LimitResult>;
}

export function createMailLimits(
  specs: { ip: RateLimitSpec; address: RateLimitSpec },
  store: RateLimitStore = memoryRateLimitStore(),
  onLimited?: (name: string) => void,
): MailLimits {
  const make = (name: string, spec: RateLimitSpec) => {
    const limiter = store.limiter({
      keyPrefix: `tessera_${name}`,
      points: spec.points,
      duration: spec.durationSec,
    });
    return async (key: string): Promise<LimitResult> => {
      try {
        const res = await limiter.consume(key);
        return { allowed: true, limit: spec.points, remaining: res.remainingPoints, resetSeconds: 0 };
      } catch (err) {
        if (!(err instanceof RateLimiterRes)) throw err;
        onLimited?.(name);
        return {
          allowed: false,
          limit: spec.points,
          remaining: 0,
          resetSeconds: Math.max(1, Math.ceil(err.msBeforeNext / 1000)),
        };
      }
    };
  };
  const ip = make('mail_ip', specs.ip);
  const address = make('mail_address', specs.address);
  return {
    ip,
    address: (email) => address(createHash('sha256').update(email).digest('base64url').slice(0, 22)),
  };
}
