// What this deployment runs on, decided once at start-up from TESSERA_DATABASE_URL and
// TESSERA_REDIS_URL: storage, the fan-out transport and the rate-limit counters all take this
// value instead of parsing the URLs themselves.
import { type DatabaseTarget, parseDatabaseUrl } from './database-url.js';

export interface Backend {
  readonly database: DatabaseTarget;
  /** TESSERA_REDIS_URL: fan-out and shared rate limits go through Redis when set. */
  readonly redisUrl: string | undefined;
  /** Names this deployment's data (SQLite path or PostgreSQL database), to scope shared channels. */
  readonly scope: string;
}

export function resolveBackend(opts: { databaseUrl: string; redisUrl?: string | undefined }): Backend {
  const database = parseDatabaseUrl(opts.databaseUrl);
  const redisUrl = opts.redisUrl?.trim() ? opts.redisUrl.trim() : undefined;
  const scope = database.kind === 'sqlite' ? database.path : new URL(database.url).pathname.slice(1);
  return { database, redisUrl, scope };
}
