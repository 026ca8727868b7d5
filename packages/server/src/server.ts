// startServer(config): storage → migrations → master key → services → app → listen. The returned
// handle closes everything in reverse order; `tessera serve` wires it to SIGINT/SIGTERM.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream, Logger } from 'pino';
import { ensureBootstrapAdmin } from './accounts/bootstrap-admin.js';
import { createAccountLifecycle } from './accounts/lifecycle/account-lifecycle.js';
import { createMailLimits } from './accounts/lifecycle/mail-limits.js';
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
import { loadPreviousMasterKeys, withPreviousMasterKeys } from './keys/master-keyring.js';
import { type RewrapResult, rewrapKeys } from './keys/rewrap.js';
import { createLogger } from './logging/logger.js';
import { createMailerFromConfig } from './mail/create-mailer.js';
import type { Mailer } from './mail/mailer.js';
import { createSecurityNotices } from './mail/security-notices.js';
import { createMetrics } from './metrics/metrics.js';
import { createMfaAttempts } from './mfa/mfa-attempts.js';
import { createMfaService } from './mfa/mfa-service.js';
import { relyingPartyOf } from './mfa/webauthn.js';
import { createRateLimits } from './ratelimit/rate-limits.js';
import { startRefreshHousekeeping } from './refresh/housekeeping.js';
import { createRefreshService } from './refresh/refresh-service.js';
import { deriveSuccessorKey } from './refresh/refresh-token.js';
import { createRevocationService } from './revocation/revocation-service.js';
import { createAuthFlows } from './services/auth-flows.js';
import { createSessionService } from './sessions/session-service.js';
import { resolveBackend } from './stores/backend.js';
import { createStores } from './stores/index.js';
import { createRateLimitStore, type RateLimitStore } from './stores/rate-limit-store.js';

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
const extras = new WeakMap<
  AppContext,
  {
    fanout: AttachedFanout;
    limiters: RateLimitStore;
    mailer: Mailer;
    stopMailSweep: () => void;
    masterKey: Buffer;
  }
>();

/** `tessera keys rewrap`: re-seals the stored keys under this context's master key (keys/rewrap.ts). */
export function rewrapStoredKeys(ctx: AppContext): Promise<RewrapResult> {
  const own = extras.get(ctx);
  if (!own) throw new TypeError('rewrapStoredKeys needs a context made by createContext');
  return rewrapKeys(ctx.stores.keys, own.masterKey);
}

/** Builds every service from `config` and the stores; does not listen. */
export async function createContext(config: Config, opts: StartServerOptions = {}): Promise<AppContext> {
  const logger = opts.logger ?? createLogger({ level: config.logLevel, destination: opts.logDestination });
  const clock = opts.clock ?? systemClock;
  // The one place the database URL is parsed and the backend chosen.
  const backend = resolveBackend({ databaseUrl: config.databaseUrl, redisUrl: config.redisUrl });
  const stores = await createStores({ backend, logger });
  let limiters: RateLimitStore | undefined;
  let fanout: AttachedFanout | undefined;
  let mailer: Mailer | undefined;
  try {
    const applied = await stores.migrate();
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');

    const masterKey = withPreviousMasterKeys(
      loadMasterKey({
        value: config.masterKey,
        production: config.production,
        databaseUrl: config.databaseUrl,
        file: config.masterKeyFile,
        logger,
        ...(opts.cwd ? { cwd: opts.cwd } : {}),
      }),
      loadPreviousMasterKeys({
        value: config.masterKeyPrevious,
        file: config.masterKeyPreviousFile,
        ...(opts.cwd ? { cwd: opts.cwd } : {}),
      }),
    );
    const audit = createAuditLog({ store: stores.audit, clock, logger });
    const revocations = createRevocationService({
      store: stores.revocations,
      accessTtl: config.accessTtl,
      clock,
      logger,
    });
    // Metrics read the key age lazily, after the key service exists.
    let keyAge = (): number => 0;
    const metrics = createMetrics({ keyAge: () => keyAge(), denyListSize: () => revocations.size });
    const keys = createKeyService({
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
      isRevoked: (payload, header) => revocations.isRevoked(payload, header),
      onVerifyFailed: (code) => metrics.verifyFailed(code),
    });
    keyAge = () => keys.keyAgeSeconds();
    // Other instances hear of revocations and emergency rotations at once (fanout/): Redis
    // pub/sub, PostgreSQL LISTEN/NOTIFY or in-process; the store poll stays as the fallback. The
    // fan-out listens to the two services; nothing is wrapped.
    fanout = attachFanout({
      transport: createFanoutTransport({ backend, logger }),
      revocations,
      keys,
      logger,
    });
    // Global counters on Redis and/or PostgreSQL; in memory for one SQLite instance.
    limiters = await createRateLimitStore({ backend, logger });
    const limits = createRateLimits({
      limits: config.limits,
      // The limiter counts every refusal in the metric and audits once per key and window (an
      // attacker hammering a limit must not flood the audit log); routes only answer 429.
      onLimited: (name) => metrics.rateLimited(name),
      audit,
      store: limiters,
    });
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
    const sessions = createSessionService({ stores, revocations, audit, clock });
    const refresh = createRefreshService({
      stores,
      keys,
      tokens,
      sessions,
      audit,
      metrics,
      limits,
      clock,
      successorKey: deriveSuccessorKey(masterKey),
      accessTtl: config.accessTtl,
      refreshTtl: config.refreshTtl,
      sessionMaxAge: config.sessionMaxAge,
      reuseInterval: config.reuseInterval,
      sessionAuth: stores.mfa,
    });
    mailer = createMailerFromConfig(config, {
      logger,
      registry: metrics.registry,
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
    });
    // Mails the user when a factor of their account changes (ASVS 6.3.6).
    const notices = createSecurityNotices({ config: config.accounts, mailer, clock, logger });
    const mfa = createMfaService({
      store: stores.mfa,
      users: stores.users,
      masterKey,
      clock,
      audit,
      attempts: createMfaAttempts(config.limits.loginAccount, limiters),
      relyingParty: relyingPartyOf(config.issuer, config.allowedOrigins),
      issuer: config.issuer,
      requiredRoles: config.mfaRequiredRoles,
      // The account mailer tells the user; only when account mail is on.
      notifyFactorReset: (user) => notices.notify(user, 'factors-reset'),
    });
    const lifecycle = createAccountLifecycle({
      stores,
      mailer,
      mailLimits: createMailLimits(config.accounts.limits, limiters, (name) => metrics.rateLimited(name)),
      loginLimits: limits,
      sessions,
      revocations,
      audit,
      clock,
      logger,
      config: config.accounts,
      registration: config.registration,
    });
    const auth = createAuthFlows({
      stores,
      limits,
      refresh,
      sessions,
      revocations,
      audit,
      metrics,
      clock,
      registration: config.registration,
      mustVerify: (user) => lifecycle.mustVerify(user),
      secondStep: (user, inBody) => mfa.passwordStep(user, inBody),
    });

    await revocations.start();
    await keys.start();
    const housekeeping = startRefreshHousekeeping({ store: stores.refreshTokens, clock, logger });
    stopHousekeeping.set(stores, housekeeping.stop);
    // Spent and expired mail tokens (kept a day, like refresh tokens) are swept hourly.
    const mailSweep = startRefreshHousekeeping({
      store: { deleteExpired: (before) => stores.lifecycle.deleteExpiredMailTokens(before) },
      clock,
    });
    await fanout.start();
    await ensureBootstrapAdmin({ users: stores.users, audit, clock, logger, admin: config.bootstrapAdmin });
    await warmUpDummyHash();
    const ctx: AppContext = {
      config,
      stores,
      services: {
        keys,
        revocations,
        audit,
        limits,
        metrics,
        sessions,
        refresh,
        tokens,
        mfa,
        auth,
        lifecycle,
        notices,
      },
      logger,
      clock,
    };
    extras.set(ctx, { fanout, limiters, mailer, stopMailSweep: mailSweep.stop, masterKey });
    logger.info(
      { fanout: fanout.transport.mode, rateLimits: limiters.backend },
      'instance coordination ready',
    );
    return ctx;
  } catch (err) {
    mailer?.close();
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
  extra?.mailer.close();
  extra?.stopMailSweep();
  await extra?.fanout.stop();
  await extra?.limiters.close();
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
