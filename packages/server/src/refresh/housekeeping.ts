// Drops refresh-token rows long past their expiry, so the table holds live families only.
// Rows are kept a day past expiry: a replayed expired token is still recognised (and refused) as
// a known token in that time, which keeps reuse signals meaningful in the audit log.
import type { Logger } from 'pino';
import type { Clock } from '../app-context.js';
import type { RefreshTokenStore } from '../stores/types.js';

export const EXPIRED_GRACE_MS = 24 * 3600 * 1000;

export interface Housekeeping {
  /** One pass now; returns how many rows it deleted. */
  runOnce(): Promise<number>;
  stop(): void;
}

export function startRefreshHousekeeping(opts: {
  store: Pick<RefreshTokenStore, 'deleteExpired'>;
  clock: Clock;
  logger?: Pick<Logger, 'info' | 'warn'>;
  /** ms between passes; default one hour. */
  interval?: number;
}): Housekeeping {
  async function runOnce(): Promise<number> {
    const deleted = await opts.store.deleteExpired(opts.clock.now() - EXPIRED_GRACE_MS);
    if (deleted > 0) opts.logger?.info({ deleted }, 'expired refresh tokens deleted');
    return deleted;
  }
  const timer = setInterval(() => {
    runOnce().catch((err: unknown) => opts.logger?.warn({ err }, 'refresh-token housekeeping failed'));
  }, opts.interval ?? 3600_000);
  timer.unref();
  return { runOnce, stop: () => clearInterval(timer) };
}
