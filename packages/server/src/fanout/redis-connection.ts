// ioredis connections for the accelerators (fan-out, rate limits). Redis is optional at run time:
// commands fail fast while it is down (no offline queue, short timeouts) so callers fall back to
// PostgreSQL at once, and the client keeps reconnecting in the background with a capped backoff.
import type { Redis } from 'ioredis';
import { loadIoredis } from '../drivers/optional-driver.js';
import type { FanoutLogger } from './types.js';

export interface RedisConnectionOptions {
  url: string;
  /** Label for logs ("fanout", "rate-limit"). */
  role: string;
  logger?: FanoutLogger;
  /** Per-command timeout, ms (default 500): a hung Redis must not hold a request. */
  commandTimeoutMs?: number;
}

/** Host and port only: a Redis URL may carry a password. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return 'redis://(unparseable)';
  }
}

export function openRedis(opts: RedisConnectionOptions): Redis {
  const client = new (loadIoredis().Redis)(opts.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: opts.commandTimeoutMs ?? 500,
    connectTimeout: 2_000,
    // Reconnect forever, at most every 2 s: Redis coming back is noticed within that.
    retryStrategy: (times) => Math.min(100 * times, 2_000),
    lazyConnect: false,
  });
  // Without a listener ioredis prints every failed reconnect; log the first of each outage only.
  let down = false;
  const redis = redactRedisUrl(opts.url);
  client.on('error', (err: Error) => {
    if (down) return;
    down = true;
    opts.logger?.warn(
      { redis, role: opts.role, err: err.message },
      'redis unavailable; falling back to the database',
    );
  });
  client.on('ready', () => {
    if (down) opts.logger?.info({ redis, role: opts.role }, 'redis available again');
    down = false;
  });
  return client;
}

/** Closes without waiting for a dead server. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    await client.quit().catch(() => client.disconnect());
  } else {
    client.disconnect();
  }
}
