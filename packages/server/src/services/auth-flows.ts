// The account flows behind /v1/auth: register, login, logout, logout everywhere and password change.
// Routes translate HTTP into these calls (and DomainError back into HTTP, in errors.ts); the rules
// live here: rate limits per IP and per account, the same failure for unknown user, wrong password
// and disabled account, what each logout revokes, and what a password change cuts.
import { authenticate, createAccount, setPassword } from '../accounts/accounts.js';
import { normalizeEmail } from '../accounts/email.js';
import { verifyPassword } from '../accounts/passwords.js';
import type { Clock, MetricsService } from '../app-context.js';
import type { PasswordStepOutcome } from '../mfa/mfa-service.js';
import type { ClientInfo, IssuedTokens, IssueOptions, RefreshService } from '../refresh/refresh-service.js';
import type { SessionService } from '../sessions/session-service.js';
import type { Stores, UserRecord } from '../stores/types.js';
import { fail } from './domain-error.js';
import type { AuditLog, LimitResult, RateLimits, RevocationService } from './types.js';

/** Who a logout or password change acts for: a verified access token's `sub` and `sid`. */
export interface Caller {
  userId: string;
  sessionId: string | undefined;
}

export interface AuthFlows {
  /** Creates an account (registration open); counts against the IP's login budget. */
  register(input: { email: string; password: string }, ip: string): Promise<UserRecord>;
  /**
   * Checks the password and starts a session. `limit` is the account's failure budget after this
   * attempt (RateLimit headers). Throws rate_limited or invalid_credentials.
   */
  login(
    input: { email: string; password: string; refresh_token_in_body?: boolean | undefined },
    client: ClientInfo,
    issue?: IssueOptions,
  ): Promise<{ tokens: IssuedTokens } | { pending: PasswordStepOutcome }>;
  /**
   * With TESSERA_REQUIRE_EMAIL_VERIFICATION: throws email_not_verified (audited login_failed) for a
   * user whose address is not confirmed. Every way of starting a session asks, once the user is known.
   */
  refuseUnverified(user: UserRecord, ip: string, method?: string): Promise<void>;
  /**
   * The caller a refresh token stands for (logout with an expired access token). Only a live token
   * proves anything: a spent or expired one is reuse (family revoked, audited) and invalid_grant.
   */
  callerOfRefreshToken(refreshToken: string, client: ClientInfo): Promise<Caller>;
  /** Revokes the caller's session (its refresh family and access tokens). */
  logout(caller: Caller, ip: string): Promise<void>;
  /** Revokes every session of the user and every access token issued before now. */
  logoutAll(caller: Caller, ip: string): Promise<void>;
  /** Changes the password and revokes every other session of the user. */
  changePassword(
    caller: Caller,
    input: { currentPassword: string; newPassword: string },
    ip: string,
  ): Promise<UserRecord>;
}

export interface AuthFlowsOptions {
  stores: Pick<Stores, 'users'>;
  limits: RateLimits;
  refresh: RefreshService;
  sessions: SessionService;
  revocations: Pick<RevocationService, 'revokeUser'>;
  audit: AuditLog;
  metrics: Pick<MetricsService, 'loginFailed'>;
  clock: Clock;
  /** TESSERA_REGISTRATION. */
  registration: boolean;
  /** TESSERA_REQUIRE_EMAIL_VERIFICATION: true when this user may not log in yet (accounts/lifecycle). */
  mustVerify?: (user: UserRecord) => boolean;
  /**
   * After a correct password (mfa/ passwordStep): a second step the user must take (factor
   * enrolled, or required by role) instead of tokens; undefined when the password suffices.
   */
  secondStep?: (user: UserRecord, refreshTokenInBody: boolean) => Promise<PasswordStepOutcome | undefined>;
}

function allowed(limit: LimitResult): void {
  if (!limit.allowed) throw fail({ code: 'rate_limited', limit });
}

export function createAuthFlows(opts: AuthFlowsOptions): AuthFlows {
  const { stores, limits, audit, clock } = opts;

  async function refuseUnverified(user: UserRecord, ip: string, method?: string): Promise<void> {
    if (!opts.mustVerify?.(user)) return;
    await audit.record('login_failed', {
      sub: user.id,
      ip,
      details: { reason: 'email_not_verified', ...(method ? { method } : {}) },
    });
    throw fail({ code: 'email_not_verified' });
  }

  return {
    refuseUnverified,

    async register(input, ip) {
      if (!opts.registration) throw fail({ code: 'registration_disabled' });
      // Registration hashes a password: it shares the per-IP login budget so it cannot burn CPU.
      allowed(await limits.loginIp(ip));
      const user = await createAccount(stores.users, clock, input);
      await audit.record('user_registered', { sub: user.id, ip });
      return user;
    },

    async login(input, client, issue) {
      const email = normalizeEmail(input.email);
      const ip = client.ip;
      allowed(await limits.loginIp(ip));
      // The attempt is taken before the password is hashed (and refunded by a success below), so
      // parallel guesses cannot all pass: the 6th attempt after 5 failures is refused, even with
      // the right password.
      const limit = await limits.loginAccountAttempt(email);
      allowed(limit);
      const result = await authenticate(stores.users, email, input.password);
      if (!result.ok) {
        opts.metrics.loginFailed(result.reason);
        await audit.record('login_failed', {
          sub: result.user?.id ?? null,
          ip,
          details: { reason: result.reason },
        });
        throw fail({ code: 'invalid_credentials', limit });
      }
      await limits.loginAccountReset(email);
      // Only said after the right password: it reveals nothing to someone guessing addresses.
      await refuseUnverified(result.user, ip);
      const pending = await opts.secondStep?.(result.user, input.refresh_token_in_body === true);
      if (pending) return { pending };
      const tokens = await opts.refresh.startSession(result.user, client, undefined, issue);
      await audit.record('login_succeeded', { sub: result.user.id, sessionId: tokens.session.id, ip });
      return { tokens };
    },

    async callerOfRefreshToken(refreshToken, client) {
      const session = await opts.refresh.liveSessionOf(refreshToken, client, 'logout');
      return { userId: session.userId, sessionId: session.id };
    },

    async logout(caller, ip) {
      if (caller.sessionId === undefined) return;
      await opts.sessions.revoke(caller.sessionId, 'logout', { event: 'logout', ip });
    },

    async logoutAll(caller, ip) {
      const revoked = await opts.sessions.revokeAll(caller.userId, 'logout_all');
      // Also every token of the user issued before this second (sessions cover the rest exactly).
      await opts.revocations.revokeUser(caller.userId, Math.floor(clock.now() / 1000));
      await audit.record('logout_all', {
        sub: caller.userId,
        sessionId: caller.sessionId ?? null,
        ip,
        details: { sessions: revoked.length },
      });
    },

    async changePassword(caller, input, ip) {
      const user = await stores.users.findById(caller.userId);
      if (!user || user.disabled) throw fail({ code: 'invalid_token' });
      // Wrong current passwords count against the account's login limit, so a stolen access
      // token cannot brute-force the password; taken before the hash like login's.
      allowed(await limits.loginAccountAttempt(user.email));
      if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
        await audit.record('login_failed', { sub: user.id, ip, details: { reason: 'password_change' } });
        throw fail({ code: 'wrong_current_password' });
      }
      await limits.loginAccountRefund(user.email);
      await setPassword(stores.users, clock, user, input.newPassword);
      const revoked = await opts.sessions.revokeAll(user.id, 'password_change', caller.sessionId);
      await audit.record('password_changed', {
        sub: user.id,
        sessionId: caller.sessionId ?? null,
        ip,
        details: { sessions_revoked: revoked.length },
      });
      return user;
    },
  };
}
