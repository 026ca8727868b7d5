// What every route module receives: configuration, storage, services, logger and clock.
// Built once at start-up by `startServer` (or by a test) and passed to `buildApp(ctx)`.
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { AccountLifecycle } from './accounts/lifecycle/account-lifecycle.js';
import type { AccessTokenIssuer } from './claims/access-token-issuer.js';
import type { Config } from './config/config.js';
import type { SecurityNotices } from './mail/security-notices.js';
import type { MfaService } from './mfa/mfa-service.js';
import type { RefreshService } from './refresh/refresh-service.js';
import type { AuthFlows } from './services/auth-flows.js';
import type { AuditLog, KeyService, RateLimits, RevocationService } from './services/types.js';
import type { SessionService } from './sessions/session-service.js';
import type { Stores } from './stores/types.js';

/** Milliseconds since the epoch; injectable so tests can move time. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Prometheus metrics (metrics/): the registry served at /metrics plus the event counters routes bump. */
export interface MetricsService {
  readonly registry: Registry;
  /** Series that reveal account existence; served only with the metrics token or to loopback. */
  readonly detailRegistry: Registry;
  /**
   * Counts an auth event, e.g. `tokenIssued('login')`, `loginFailed('invalid_credentials')`.
   * Names and labels are the operations engineer's; routes only call these.
   */
  tokenIssued(kind: 'login' | 'refresh' | 'client_credentials'): void;
  loginFailed(reason: string): void;
  refreshReuseDetected(): void;
  rateLimited(limit: string): void;
}

export interface AppServices {
  readonly keys: KeyService;
  readonly revocations: RevocationService;
  readonly audit: AuditLog;
  readonly limits: RateLimits;
  readonly metrics: MetricsService;
  /** Session revocation (logout, logout-all, DELETE /v1/sessions, reuse, admin). */
  readonly sessions: SessionService;
  /** Login sessions and refresh rotation; also behind /v1/oauth/token grant_type=refresh_token. */
  readonly refresh: RefreshService;
  /** Second factors, the mfa_token of two-step sign-in, passkeys, recovery codes (mfa/). */
  readonly mfa: MfaService;
  /** User access tokens with their application claims (claims/). */
  readonly tokens: AccessTokenIssuer;
  /** Register, login, logout, logout-all, password change (the /v1/auth flows). */
  readonly auth: AuthFlows;
  /** Verification, reset, email change, export, erasure (accounts/lifecycle/). */
  readonly lifecycle: AccountLifecycle;
  /** Mails telling the user that a factor of their account changed (mail/security-notices.ts). */
  readonly notices: SecurityNotices;
}

export interface AppContext {
  readonly config: Config;
  readonly stores: Stores;
  readonly services: AppServices;
  readonly logger: Logger;
  readonly clock: Clock;
}
