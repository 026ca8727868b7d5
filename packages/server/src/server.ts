// startServer(config): storage → migrations → master key → services → app → listen. The returned
// handle closes everything in reverse order; `tessera serve` wires it to SIGINT/SIGTERM.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream, Logger } from 'pino';
import { ensureBootstrapAdmin } from './accounts/bootstrap-admin.js';
import { warmUpDummyHash } from './accounts/passwords.js';
import { buildApp } from './app.js';
import { type AppContext, type Clock, systemClock } from './app-context.js';
import { createAuditLog } from './audit/audit-log.js';
import { createAccessTokenIssuer } from './claims/access-token-issuer.js';
import { loadClaimsHook } from './claims/claims-hook.js';
import type { Config } from './config/config.js';
import { type AttachedFanout, attachFanout } from './fanout/attach-fanout.js';
import { createFanoutTransport } from './fanout/create-fanout.js';
import { createKeyService } from './keys/create-key-service.js';
import { loadMasterKey } from './keys/master-key.js';
import { createMetrics } from './metrics/metrics.js';
import { createLogger } from './plugins/logger.js';
import { createRateLimits } from './plugins/rate-limit.js';
import { createSharedLimiters, type SharedLimiters } from './plugins/rate-limit-redis.js';
import { startRefreshHousekeeping } from './refresh/housekeeping.js';
import { createRefreshService } from './refresh/refresh-service.js';
import { deriveSuccessorKey } from './refresh/refresh-token.js';
import { createRevocationService } from './revocation/revocation-service.js';
import { createSessionService } from './sessions/session-service.js';
import { createStores } from './stores/index.js';

export interface StartServerOptions {
  /** Use this logger instead of creating one from config.logLevel. */
  logger?: Logger;
  /** Where a created logger writes (tests capture it); stdout by default. */
  logDestination?: DestinationStream;
  clock?: Clock;
  /** Base directory for relative paths (the dev master key file). */
  cwd?: string;
}

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly ctx: AppContext;
  /** `http://HOST:PORT` actually bound (port 0 becomes the real port). */
  readonly url: string;
  readonly port: number;
  /** Stops accepting, drains, stops timers, closes storage. Idempotent. */
  close(): Promise<void>;
}

// What closeContext must release besides the stores (not part of AppContext, which routes see).
const extras = new WeakMap<AppContext, { fanout: AttachedFanout; limiters: SharedLimiters | undefined }>();

/** Builds every service from `config` and the stores; does not listen. */
export async function createContext(config: Config, opts: StartServerOptions = {}): Promise<AppContext> {
  const logger = opts.logger ?? createLogger({ level: config.logLevel, destination: opts.logDestination });
  const clock = opts.clock ?? systemClock;
  const stores = await createStores({ databaseUrl: config.databaseUrl, logger });
  let limiters: SharedLimiters | undefined;
  let fanout: AttachedFanout | undefined;
  try {
    const applied = await stores.migrate();
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');

    const masterKey = loadMasterKey({
      value: config.masterKey,
      production: config.production,
      databaseUrl: config.databaseUrl,
      file: config.masterKeyFile,
      logger,
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
    });
    const audit = createAuditLog({ store: stores.audit, clock, logger });
    const denyList = createRevocationService({ store: stores.revocations, clock, logger });
    // Metrics read the key age lazily, after the key service exists.
    let keyAge = (): number => 0;
    const metrics = createMetrics({ keyAge: () => keyAge(), denyListSize: () => denyList.size });
    const localKeys = createKeyService({
      keyStore: stores.keys,
      masterKey,
      hsSecret: config.hsSecret,
      alg: config.alg,
      issuer: config.issuer,
      audience: config.audience,
      accessTtl: config.accessTtl,
      rotateEvery: config.keyRotateEvery,
      clock,
      logger,
      audit,
      isRevoked: (payload) => denyList.isRevoked(payload),
      onVerifyFailed: (code) => metrics.verifyFailed(code),
    });
    keyAge = () => localKeys.keyAgeSeconds();
    // Other instances hear of revocations and emergency rotations at once (fanout/): Redis
    // pub/sub, PostgreSQL LISTEN/NOTIFY or in-process; the store poll stays as the fallback.
    fanout = attachFanout({
      transport: createFanoutTransport({
        databaseUrl: config.databaseUrl,
        redisUrl: config.redisUrl,
        logger,
      }),
      revocations: denyList,
      keys: localKeys,
      logger,
    });
    const { revocations, keys } = fanout;
    // Global counters on Redis and/or PostgreSQL; in memory for one SQLite instance.
    limiters = await createSharedLimiters({
      databaseUrl: config.databaseUrl,
      redisUrl: config.redisUrl,
      logger,
    });
    const limits = createRateLimits({
      limits: config.limits,
      // The limiter counts every refusal in the metric and audits once per key and window (an
      // attacker hammering a limit must not flood the audit log); routes only answer 429.
      onLimited: (name) => metrics.rateLimited(name),
      audit,
      ...(limiters ? { factory: limiters.factory } : {}),
    });
    const sessions = createSessionService({ stores, revocations, audit, clock, accessTtl: config.accessTtl });
    // A missing claims module or a bad export refuses to start (ConfigError).
    const hook = config.claimsModule ? await loadClaimsHook(config.claimsModule, opts.cwd) : undefined;
    const tokens = createAccessTokenIssuer({
      keys,
      hook,
      hookTimeoutMs: config.claimsTimeoutMs,
      maxBytes: config.tokenMaxBytes,
      audiences: config.audiences,
      logger,
    });
    const refresh = createRefreshService({
      stores,
      keys,
      tokens,
      sessions,
      audit,
      metrics,
      clock,
      successorKey: deriveSuccessorKey(masterKey),
      accessTtl: config.accessTtl,
      refreshTtl: config.refreshTtl,
      sessionMaxAge: config.sessionMaxAge,
      reuseInterval: config.reuseInterval,
    });

    await revocations.start();
    await keys.start();
    const housekeeping = startRefreshHousekeeping({ store: stores.refreshTokens, clock, logger });
    stopHousekeeping.set(stores, housekeeping.stop);
    await fanout.start();
    await ensureBootstrapAdmin({ users: stores.users, audit, clock, logger, admin: config.bootstrapAdmin });
    await warmUpDummyHash();
    const ctx: AppContext = {
      config,
      stores,
      services: { keys, revocations, audit, limits, metrics, sessions, refresh, tokens },
      logger,
      clock,
    };
    extras.set(ctx, { fanout, limiters });
    logger.info(
      { fanout: fanout.transport.mode, rateLimits: limiters?.backend ?? 'memory' },
      'instance coordination ready',
    );
    return ctx;
  } catch (err) {
    await fanout?.stop().catch(() => undefined);
    await limiters?.close().catch(() => undefined);
    await stores.close().catch(() => undefined);
    throw err;
  }
}

// Timers owned by a context, keyed by its stores (AppContext itself stays the agreed shape).
const stopHousekeeping = new WeakMap<object, () => void>();

/** Stops the services' timers and closes storage. */
export async function closeContext(ctx: AppContext): Promise<void> {
  stopHousekeeping.get(ctx.stores)?.();
  await ctx.services.keys.stop();
  await ctx.services.revocations.stop();
  const extra = extras.get(ctx);
  await extra?.fanout.stop();
  await extra?.limiters?.close();
  await ctx.stores.close();
}

export async function startServer(config: Config, opts: StartServerOptions = {}): Promise<RunningServer> {
  const ctx = await createContext(config, opts);
  let app: FastifyInstance;
  try {
    // 503s (storage unreachable) carry Retry-After from the error handler and /readyz.
    app = await buildApp(ctx);
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await closeContext(ctx);
    throw err;
  }
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  ctx.logger.info({ url, issuer: config.issuer, alg: config.alg }, 'tessera listening');

  let closing: Promise<void> | undefined;
  return {
    app,
    ctx,
    url,
    port: address.port,
    close() {
      closing ??= (async () => {
        await app.close();
        await closeContext(ctx);
      })();
      return closing;
    },
  };
}
