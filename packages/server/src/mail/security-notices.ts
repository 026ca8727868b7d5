// Security notices (ASVS 6.3.6): the user is told by mail when an authentication factor of their
// account changes — the password (their own change or a reset by link), a second factor added or
// removed (by them, or all of them by an admin), new recovery codes. Only when account mail is on
// (TESSERA_MAIL_FLOWS); through the Mailer's background queue with its retries, so a request never
// waits for or fails because of the mail. The notice says what, when and from where (IP and a
// device name, describeDevice), never a secret and no link: the user acts from the sign-in page.
import type { Logger } from 'pino';
import type { Clock } from '../app-context.js';
import type { AccountsConfig } from '../config/accounts-config.js';
import type { UserRecord } from '../stores/types.js';
import { describeDevice } from './device-description.js';
import type { Mailer } from './mailer.js';

export type SecurityNotice =
  | 'factors-reset'
  | 'password-changed'
  | 'password-reset-notice'
  | 'factor-added'
  | 'factor-removed'
  | 'recovery-codes-regenerated';

/** Where the change came from: the request's IP and User-Agent (absent for an admin's action). */
export interface NoticeOrigin {
  ip?: string | null;
  userAgent?: string | undefined;
}

export type NoticeUser = Pick<UserRecord, 'id' | 'email'>;

export interface SecurityNotices {
  /** Queues the notice for the account's own address; never throws, never waits. */
  notify(
    user: NoticeUser,
    notice: SecurityNotice,
    origin?: NoticeOrigin,
    details?: { factor?: 'totp' | 'webauthn' },
  ): void;
}

const FACTOR_NAMES = { totp: 'an authenticator app (TOTP)', webauthn: 'a passkey' } as const;

/** "2025-06-01 10:15 UTC": one unambiguous zone for every reader. */
export function noticeTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function createSecurityNotices(deps: {
  config: Pick<AccountsConfig, 'mailFlows' | 'publicUrl'>;
  mailer: Pick<Mailer, 'enqueue'>;
  clock: Clock;
  logger: Pick<Logger, 'error'>;
}): SecurityNotices {
  return {
    notify(user, notice, origin = {}, details = {}) {
      if (!deps.config.mailFlows) return;
      try {
        deps.mailer.enqueue({
          to: user.email,
          template: notice,
          userId: user.id,
          vars: {
            email: user.email,
            public_url: deps.config.publicUrl,
            changed_at: noticeTime(deps.clock.now()),
            ip: origin.ip ?? 'unknown',
            device: describeDevice(origin.userAgent),
            // The factor's kind, never its user-chosen name (which an intruder could fill with a lure).
            ...(details.factor ? { factor: FACTOR_NAMES[details.factor] } : {}),
          },
        });
      } catch (err) {
        // The change is done; a notice that cannot even be queued is logged, not turned into a 500.
        deps.logger.error({ err, template: notice, userId: user.id }, 'security notice not queued');
      }
    },
  };
}
