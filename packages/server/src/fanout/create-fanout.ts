// Picks the fan-out transport for the backend: Redis pub/sub when TESSERA_REDIS_URL is set,
// PostgreSQL LISTEN/NOTIFY on a postgres database, in-process on SQLite. Whatever the transport,
// the store poll keeps running underneath, which is the fallback when the broker is down.
import { randomBytes } from 'node:crypto';
import type { Backend } from '../stores/backend.js';
import { createLocalFanout } from './local-fanout.js';
import { createPostgresFanout } from './postgres-fanout.js';
import { createRedisFanout } from './redis-fanout.js';
import type { FanoutLogger, FanoutTransport } from './types.js';

export interface CreateFanoutOptions {
  backend: Backend;
  logger?: FanoutLogger;
  /** Channel name (default `tessera_fanout`); tests isolate databases with their own. */
  channel?: string;
}

export function createFanoutTransport(opts: CreateFanoutOptions): FanoutTransport {
  const instanceId = randomBytes(9).toString('base64url');
  const { database, redisUrl, scope } = opts.backend;
  const channel = opts.channel ?? 'tessera_fanout';
  if (redisUrl) {
    // Redis channels are global to the Redis server: scope them by database so two deployments
    // (or two test databases) sharing one Redis do not wake each other.
    return createRedisFanout({
      url: redisUrl,
      channel: `${channel}:${scope}`,
      instanceId,
      logger: opts.logger,
    });
  }
  if (database.kind === 'postgres') {
    // NOTIFY is already scoped to the database.
    return createPostgresFanout({ url: database.url, channel, instanceId, logger: opts.logger });
  }
  return createLocalFanout({ channel: `${channel}:${scope}`, instanceId });
}
