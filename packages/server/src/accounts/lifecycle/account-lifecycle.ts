// The account lifecycle of the HTTP API, the admin API and the CLI: email verification, forgotten
// passwords, email change, admin resets, export and erasure. Routes parse input and call these;
// every mail goes through the Mailer's background queue, so no request waits for SMTP.
//
// Enumeration: forgot and resend answer the same way, in the same time, whether or not the
// account exists — the lookup, the token and the mail happen after the answer (`later`).
import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../app-context.js';
import type { AccountsConfig } from '../../config/accounts-config.js';
import type { TemplateName } from '../../mail/default-templates.js';
import type { Mailer } from '../../mail/mailer.js';
import { humanDuration } from '../../mail/templates.js';
import { fail } from '../../services/domain-error.js';
import type { AuditLog, LimitResult, RateLimits, RevocationService } from '../../services/types.js';
import type { SessionService } from '../../sessions/session-service.js';
import type { MailTokenKind, UserExport } from '../../stores/lifecycle-types.js';
import { DuplicateEmailError, type Stores, type UserRecord } from '../../stores/types.js';
import { newUserId } from '../accounts.js';
import { isValidEmail, normalizeEmail } from '../email.js';
import { passwordProblem } from '../password-policy.js';
import { hashPassword, verifyPassword } from '../passwords.js';
import type { MailLimits } from './mail-limits.js';
import { hashMailToken, isMailTokenShape, newMailToken } from './mail-tokens.js';

/** Where the links of each mail lead (pages of the web console, packages/console; served by routes/console.ts). */
export const LINK_PATHS = {
  verify_email: '/console/verify-email',
  reset_password: '/console/reset-password',
  change_email: '/console/confirm-email',
} as const satisfies Record<MailTokenKind, string>;

export interface AccountLifecycleDeps {
  stores: Pick<Stores, 'users' | 'lifecycle'>;
  mailer: Mailer;
  mailLimits: MailLimits;
  loginLimits: Pick<
    RateLimits,
    'loginIp' | 'loginAccountAttempt' | 'loginAccountRefund' | 'loginAccountReset'
  >;
  sessions: Pick<SessionService, 'revokeAll'>;
  revocations: Pick<RevocationService, 'revokeUser'>;
  audit: AuditLog;
  clock: Clock;
  logger: Pick<Logger, 'error' | 'warn'>;
  config: AccountsConfig;
  /** TESSERA_REGISTRATION. */
  registration: boolean;
}

export type RegisterOutcome = { created: true; user: UserRecord } | { created: false };

export interface AccountLifecycle {
  readonly config: AccountsConfig;
  /** After a registration (201 path): sends the verification mail. */
  registered(user: UserRecord): void;
  /** Enumeration-safe registration: creates the account or mails the owner; the caller answers 202. */
  registerConcealed(input: { email: string; password: string }, ip: string): Promise<RegisterOutcome>;
  resendVerification(email: string, ip: string): Promise<void>;
  verifyEmail(token: string): Promise<UserRecord>;
  forgotPassword(email: string, ip: string): Promise<void>;
  resetPassword(token: string, password: string, ip: string): Promise<UserRecord>;
  requestEmailChange(userId: string, newEmail: string, password: string, ip: string): Promise<void>;
  confirmEmailChange(token: string): Promise<UserRecord>;
  /** Admin/CLI: a reset mail, or (returnLink) the link itself for the admin to pass on. */
  adminPasswordReset(
    userId: string,
    actor: string,
    opts?: { returnLink?: boolean; ttlSec?: number; wait?: boolean },
  ): Promise<{ link?: string; expiresAt: number; path?: string }>;
  setEmailVerified(userId: string, verified: boolean, actor: string | null): Promise<UserRecord>;
  exportUser(userId: string): Promise<UserExport>;
  /** DELETE /v1/me: the password again, then erasure. */
  deleteOwnAccount(userId: string, password: string, ip: string): Promise<void>;
  /** Erasure by an admin, the CLI or the user: every token revoked, rows deleted, audit kept by id. */
  eraseUser(userId: string, actor: string | null): Promise<void>;
  /** Mails queued and not yet delivered or abandoned (the CLI waits for them before exiting). */
  readonly mailPending: number;
  mailIdle(): Promise<void>;
  /** Needed by login when TESSERA_REQUIRE_EMAIL_VERIFICATION=true. */
  mustVerify(user: UserRecord): boolean;
}

export function createAccountLifecycle(deps: AccountLifecycleDeps): AccountLifecycle {
  const { stores, mailer, audit, clock, config } = deps;

  function ensureOn(): void {
    if (!config.mailFlows) throw fail({ code: 'mail_off' });
  }

  /**
   * Work done after the answer: never throws into the request, never delays it. It starts a few
   * random milliseconds later, once the answer is on its way, so its cost (a token write, composing
   * the mail) lands on no particular later request either.
   */
  function later(what: string, work: () => Promise<void>): void {
    setTimeout(() => {
      work().catch((err) => deps.logger.error({ err, flow: what }, 'account mail flow failed'));
    }, 5 + randomInt(45));
  }

  function allowed(result: LimitResult): void {
    if (!result.allowed) throw fail({ code: 'rate_limited', limit: result });
  }

  async function limit(ip: string, email: string): Promise<void> {
    for (const result of [await deps.mailLimits.ip(ip), await deps.mailLimits.address(email)]) {
      allowed(result);
    }
  }

  function ttlOf(kind: MailTokenKind): number {
    if (kind === 'verify_email') return config.ttl.verifyEmail;
    if (kind === 'reset_password') return config.ttl.resetPassword;
    return config.ttl.changeEmail;
  }

  async function issue(user: UserRecord, kind: MailTokenKind, email: string, ttlSec = ttlOf(kind)) {
    const { token, hash } = newMailToken();
    const now = clock.now();
    const expiresAt = now + ttlSec * 1000;
    await stores.lifecycle.issueMailToken({ hash, userId: user.id, kind, email, createdAt: now, expiresAt });
    const link = `${config.publicUrl}${LINK_PATHS[kind]}?token=${token}`;
    return { link, expiresAt, expiresIn: humanDuration(ttlSec) };
  }

  function mail(user: UserRecord, to: string, template: TemplateName, vars: Record<string, string>): void {
    mailer.enqueue({
      to,
      template,
      userId: user.id,
      vars: { email: user.email, public_url: config.publicUrl, ...vars },
    });
  }

  async function sendVerification(user: UserRecord): Promise<void> {
    const { link, expiresIn } = await issue(user, 'verify_email', user.email);
    mail(user, user.email, 'verify-email', { link, expires_in: expiresIn });
  }

  /** Spends a token of `kind`; the same 400 for unknown, spent, expired, superseded or mismatched. */
  async function spend(token: string, kind: MailTokenKind) {
    const invalid = () => fail({ code: 'invalid_link' });
    if (!isMailTokenShape(token)) throw invalid();
    const record = await stores.lifecycle.consumeMailToken(hashMailToken(token), kind, clock.now());
    if (!record) throw invalid();
    const user = await stores.users.findById(record.userId);
    // The address moved on since the mail was sent (verify, reset): the link is void.
    if (!user || user.disabled || (kind !== 'change_email' && user.email !== record.email)) throw invalid();
    return { record, user };
  }

  async function checkPassword(user: UserRecord, password: string, ip: string): Promise<void> {
    // Taken before the hash, refunded when right (parallel guesses cannot pass the limit).
    const allowed = await deps.loginLimits.loginAccountAttempt(user.email);
    if (!allowed.allowed) throw fail({ code: 'rate_limited', limit: allowed });
    if (!(await verifyPassword(user.passwordHash, password))) {
      await audit.record('login_failed', { sub: user.id, ip, details: { reason: 'password_reentry' } });
      throw fail({ code: 'wrong_password' });
    }
    await deps.loginLimits.loginAccountRefund(user.email);
  }

  /**
   * Revokes every session (its refresh family and, by `sid`, its access tokens). `wholeUser` adds a
   * `sub` revocation for the erased: tokens up to this second die even if some had no session;
   * it is not used on a reset, where it would also kill the login that follows within the second.
   */
  async function cutAccess(userId: string, reason: string, wholeUser = false): Promise<number> {
    const revoked = await deps.sessions.revokeAll(userId, reason);
    if (wholeUser) {
      await deps.revocations.revokeUser(userId, Math.floor(clock.now() / 1000) + 1);
    }
    return revoked.length;
  }

  return {
    config,

    registered(user) {
      if (!config.mailFlows) return;
      later('verify_email', () => sendVerification(user));
    },

    async registerConcealed(input, ip) {
      const email = normalizeEmail(input.email);
      if (!deps.registration) throw fail({ code: 'registration_disabled' });
      // Registration hashes a password: it shares the per-IP login budget so it cannot burn CPU.
      allowed(await deps.loginLimits.loginIp(ip));
      if (!isValidEmail(email))
        throw fail({ code: 'invalid_input', message: 'email is not a valid address' });
      const problem = passwordProblem(input.password, email);
      if (problem) throw fail({ code: 'weak_password', message: problem });
      // Both paths hash the password and attempt the insert: the same work, the same answer.
      const passwordHash = await hashPassword(input.password);
      const now = clock.now();
      try {
        const user = await stores.users.create({
          id: newUserId(),
          email,
          passwordHash,
          roles: ['user'],
          disabled: false,
          createdAt: now,
        });
        await audit.record('user_registered', { sub: user.id, ip });
        if (config.mailFlows) later('verify_email', () => sendVerification(user));
        return { created: true, user };
      } catch (err) {
        if (!(err instanceof DuplicateEmailError)) throw err;
      }
      later('registration_attempt', async () => {
        const owner = await stores.users.findByEmail(email);
        // One notice per address and window: registering in a loop cannot flood a mailbox.
        if (!owner || !config.mailFlows || !(await deps.mailLimits.address(email)).allowed) return;
        mail(owner, owner.email, 'registration-attempt', { link: `${config.publicUrl}/console` });
      });
      return { created: false };
    },

    async resendVerification(input, ip) {
      ensureOn();
      const email = normalizeEmail(input);
      await limit(ip, email);
      later('verify_email', async () => {
        const user = await stores.users.findByEmail(email);
        if (user && !user.disabled && !user.emailVerifiedAt) await sendVerification(user);
      });
    },

    async verifyEmail(token) {
      const { user } = await spend(token, 'verify_email');
      const now = clock.now();
      const updated = (await stores.users.update(user.id, { emailVerifiedAt: now, updatedAt: now })) ?? user;
      await audit.record('email_verified', { sub: user.id });
      return updated;
    },

    async forgotPassword(input, ip) {
      ensureOn();
      const email = normalizeEmail(input);
      await limit(ip, email);
      later('reset_password', async () => {
        const user = await stores.users.findByEmail(email);
        if (!user || user.disabled) return;
        const { link, expiresIn } = await issue(user, 'reset_password', user.email);
        mail(user, user.email, 'reset-password', { link, expires_in: expiresIn });
        await audit.record('password_reset_requested', { sub: user.id, ip });
      });
    },

    async resetPassword(token, password, ip) {
      // No ensureOn() for spending tokens: a link exists only if it was issued (an admin can hand
      // one out with mail off).
      // The new password is checked before the token is spent, so a refused password keeps the link.
      if (isMailTokenShape(token)) {
        const peek = await stores.lifecycle.findMailToken(hashMailToken(token));
        const owner = peek ? await stores.users.findById(peek.userId) : undefined;
        const problem = passwordProblem(password, owner?.email ?? '');
        if (problem) throw fail({ code: 'weak_password', message: problem });
      }
      const { user } = await spend(token, 'reset_password');
      const now = clock.now();
      const updated =
        (await stores.users.update(user.id, {
          passwordHash: await hashPassword(password),
          passwordChangedAt: now,
          // The mail reached its owner: the address is theirs.
          emailVerifiedAt: user.emailVerifiedAt ?? now,
          updatedAt: now,
        })) ?? user;
      const revoked = await cutAccess(user.id, 'password_reset');
      await deps.loginLimits.loginAccountReset(user.email);
      await audit.record('password_reset', { sub: user.id, ip, details: { sessions_revoked: revoked } });
      return updated;
    },

    async requestEmailChange(userId, newEmailInput, password, ip) {
      ensureOn();
      const user = await stores.users.findById(userId);
      if (!user || user.disabled) throw fail({ code: 'invalid_token' });
      const newEmail = normalizeEmail(newEmailInput);
      if (!isValidEmail(newEmail)) {
        throw fail({ code: 'invalid_input', message: 'new_email is not a valid address' });
      }
      if (newEmail === user.email) {
        throw fail({ code: 'invalid_input', message: 'new_email is the current address' });
      }
      await checkPassword(user, password, ip);
      await limit(ip, newEmail);
      later('change_email', async () => {
        // A taken address gets nothing (the 202 is the same): the change could never complete.
        if (await stores.users.findByEmail(newEmail)) return;
        const { link, expiresIn } = await issue(user, 'change_email', newEmail);
        mail(user, newEmail, 'confirm-email-change', { link, expires_in: expiresIn, new_email: newEmail });
        mail(user, user.email, 'email-change-notice', { new_email: newEmail });
        await audit.record('email_change_requested', { sub: user.id, ip });
      });
    },

    async confirmEmailChange(token) {
      const { record, user } = await spend(token, 'change_email');
      const now = clock.now();
      let updated: UserRecord | undefined;
      try {
        updated = await stores.users.update(user.id, {
          email: record.email,
          emailVerifiedAt: now,
          updatedAt: now,
        });
      } catch (err) {
        if (err instanceof DuplicateEmailError) throw fail({ code: 'email_taken' });
        throw err;
      }
      // Links sent to the old address (verify, reset) die with it.
      await stores.lifecycle.deleteMailTokens(user.id);
      await audit.record('email_changed', {
        sub: user.id,
        details: { previous_email: user.email, email: record.email },
      });
      return updated ?? user;
    },

    async adminPasswordReset(userId, actor, opts = {}) {
      const user = await stores.users.findById(userId);
      if (!user) throw fail({ code: 'not_found', message: 'no such user' });
      if (!opts.returnLink) ensureOn();
      const { link, expiresAt, expiresIn } = await issue(
        user,
        'reset_password',
        user.email,
        opts.ttlSec ?? config.ttl.resetPassword,
      );
      await audit.record('password_reset_requested', {
        sub: user.id,
        actor,
        details: { delivery: opts.returnLink ? 'link' : 'mail' },
      });
      if (opts.returnLink) return { link, expiresAt };
      const message = {
        to: user.email,
        template: 'reset-password' as const,
        userId: user.id,
        vars: { email: user.email, public_url: config.publicUrl, link, expires_in: expiresIn },
      };
      if (opts.wait) return { expiresAt, ...(await mailer.send(message)) };
      mailer.enqueue(message);
      return { expiresAt };
    },

    async setEmailVerified(userId, verified, actor) {
      const user = await stores.users.findById(userId);
      if (!user) throw fail({ code: 'not_found', message: 'no such user' });
      if (Boolean(user.emailVerifiedAt) === verified) return user;
      const now = clock.now();
      const updated = await stores.users.update(userId, {
        emailVerifiedAt: verified ? now : null,
        updatedAt: now,
      });
      await audit.record('user_changed', { sub: userId, actor, details: { email_verified: verified } });
      return updated ?? user;
    },

    async exportUser(userId) {
      const data = await stores.lifecycle.exportUser(userId);
      if (!data) throw fail({ code: 'invalid_token' });
      return data;
    },

    async deleteOwnAccount(userId, password, ip) {
      const user = await stores.users.findById(userId);
      if (!user) throw fail({ code: 'invalid_token' });
      await checkPassword(user, password, ip);
      await this.eraseUser(userId, null);
    },

    async eraseUser(userId, actor) {
      const user = await stores.users.findById(userId);
      if (!user) throw fail({ code: 'not_found', message: 'no such user' });
      if (user.roles.includes('admin') && !user.disabled) {
        // An enabled admin is first disabled, atomically with the check that another enabled admin
        // remains (two admins erasing each other at once cannot both pass); then it no longer
        // counts, and nothing has been revoked yet if refused.
        const disabled = await stores.users.updateKeepingRole(userId, 'admin', {
          disabled: true,
          updatedAt: clock.now(),
        });
        if (disabled === 'last_holder') throw fail({ code: 'last_admin' });
        if (!disabled) throw fail({ code: 'not_found', message: 'no such user' });
      }
      // Revoke first (sessions, refresh families, every access token via the feed), then delete.
      const sessions = await cutAccess(userId, 'erased', true);
      await stores.lifecycle.eraseUser(userId);
      // No IP or details: of the erased user, the trail keeps the id only.
      await audit.record('user_erased', { sub: userId, actor, details: { sessions_revoked: sessions } });
    },

    get mailPending() {
      return mailer.pending;
    },

    mailIdle() {
      return mailer.idle();
    },

    mustVerify(user) {
      return config.requireEmailVerification && !user.emailVerifiedAt;
    },
  };
}
