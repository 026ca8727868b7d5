// "5/15m" → { points: 5, durationSec: 900 }: how rate limits are written in TESSERA_*_LIMIT_* variables.
import { parseDuration } from '@tessera/core';

export interface RateLimitSpec {
  /** Requests (or failed attempts) allowed inside one window. */
  readonly points: number;
  /** Window length in seconds. */
  readonly durationSec: number;
}

/** Parses `COUNT/DURATION` (e.g. `5/15m`, `100/900`); throws TypeError with a readable reason. */
export function parseRateLimit(value: string): RateLimitSpec {
  const slash = value.indexOf('/');
  if (slash <= 0 || slash === value.length - 1) {
    throw new TypeError('expected COUNT/DURATION, e.g. 5/15m');
  }
  const countText = value.slice(0, slash).trim();
  if (!/^[0-9]{1,9}$/.test(countText) || Number(countText) < 1) {
    throw new TypeError('COUNT must be a positive integer, e.g. 5/15m');
  }
  let durationSec: number;
  try {
    durationSec = parseDuration(value.slice(slash + 1).trim());
  } catch {
    throw new TypeError('DURATION must be seconds or a duration like 15m, 1h, 7d');
  }
  if (!(durationSec >= 1)) throw new TypeError('DURATION must be at least one second');
  return Object.freeze({ points: Number(countText), durationSec });
}

export function formatRateLimit(spec: RateLimitSpec): string {
  return `${spec.points}/${spec.durationSec}s`;
}
