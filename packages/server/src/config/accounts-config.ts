// The TESSERA_* variables of the account lifecycle and its mail: parsed here (not in envSchema) so
// that part of the configuration reads as one unit; loadConfig() puts the result in
// `config.accounts`. Production with a mail flow on and no TESSERA_SMTP_URL refuses to start.
import { z } from 'zod';
import { ConfigError } from './config.js';
import type { RateLimitSpec } from './rate-limit-spec.js';
import { parseRateLimit } from './rate-limit-spec.js';
import { boolean, duration, issuer, nonEmpty, rateLimit } from './schema.js';

export interface AccountsConfig {
  /** Verify email, forgot/reset password, change email: routes on, mails sent. */
  readonly mailFlows: boolean;
  /** `smtp://` or `smtps://` URL (credentials and query options as Nodemailer reads them). */
  readonly smtpUrl: string | undefined;
  /** From: header of every mail. */
  readonly mailFrom: string;
  /** Base of the links in mails (no trailing slash). */
  readonly publicUrl: string;
  /** Folder of operator templates (NAME.txt with its Subject: line, NAME.html); built-ins otherwise. */
  readonly templatesDir: string | undefined;
  /** Where .eml files go when there is no SMTP (development); default: `mail/` beside the data. */
  readonly mailDir: string | undefined;
  readonly requireEmailVerification: boolean;
  /** Register answers 202 alike for new and taken addresses (default: requireEmailVerification). */
  readonly registrationEnumerationSafe: boolean;
  /** Token lifetimes, seconds. */
  readonly ttl: {
    readonly verifyEmail: number;
    readonly resetPassword: number;
    readonly changeEmail: number;
  };
  /** Limits of forgot/resend (and change-email requests): per client IP and per target address. */
  readonly limits: { readonly ip: RateLimitSpec; readonly address: RateLimitSpec };
  /** Sending: attempts per mail and the first delay (doubling, capped at 10 minutes). */
  readonly retry: { readonly attempts: number; readonly baseDelaySec: number };
}

const accountsEnv = z.object({
  TESSERA_MAIL_FLOWS: boolean.optional(),
  TESSERA_SMTP_URL: nonEmpty
    .refine((v) => /^smtps?:\/\/[^/?#]/.test(v), {
      message:
        'expected smtp://[USER:PASSWORD@]HOST[:PORT] or smtps://... (add ?requireTLS=true to insist on STARTTLS)',
    })
    .optional(),
  TESSERA_MAIL_FROM: nonEmpty.optional(),
  TESSERA_PUBLIC_URL: issuer.optional(),
  TESSERA_MAIL_TEMPLATES: nonEmpty.optional(),
  TESSERA_MAIL_DIR: nonEmpty.optional(),
  TESSERA_REQUIRE_EMAIL_VERIFICATION: boolean.default(false),
  TESSERA_REGISTRATION_ENUMERATION_SAFE: boolean.optional(),
  TESSERA_VERIFY_EMAIL_TTL: duration.default(24 * 3600),
  TESSERA_RESET_PASSWORD_TTL: duration.default(30 * 60),
  TESSERA_EMAIL_CHANGE_TTL: duration.default(24 * 3600),
  TESSERA_MAIL_LIMIT_IP: rateLimit.default(parseRateLimit('20/15m')),
  TESSERA_MAIL_LIMIT_ADDRESS: rateLimit.default(parseRateLimit('3/15m')),
  TESSERA_MAIL_RETRY_ATTEMPTS: z
    .string()
    .default('15')
    .transform((v) => (/^\s*\d+\s*$/.test(v) ? Number(v) : Number.NaN))
    .pipe(z.number({ error: 'must be a whole number' }).int().min(1).max(100)),
  TESSERA_MAIL_RETRY_DELAY: duration.default(2),
});

/** From the merged raw environment; `issuer` is the resolved TESSERA_ISSUER. */
export function loadAccountsConfig(
  env: Record<string, string | undefined>,
  base: { production: boolean; issuer: string },
): AccountsConfig {
  const parsed = accountsEnv.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(String(issue?.path[0] ?? 'configuration'), issue?.message ?? 'invalid value');
  }
  const e = parsed.data;
  const publicUrl = e.TESSERA_PUBLIC_URL ?? base.issuer;
  // On by default, except in production without SMTP (a deployment that never set mail up keeps
  // starting); asking for them there, directly or through required verification, needs SMTP.
  const mailFlows =
    e.TESSERA_MAIL_FLOWS ??
    (e.TESSERA_REQUIRE_EMAIL_VERIFICATION || !base.production || e.TESSERA_SMTP_URL !== undefined);
  if (e.TESSERA_REQUIRE_EMAIL_VERIFICATION && !mailFlows) {
    throw new ConfigError(
      'TESSERA_MAIL_FLOWS',
      'cannot be false with TESSERA_REQUIRE_EMAIL_VERIFICATION=true',
    );
  }
  if (base.production && mailFlows && e.TESSERA_SMTP_URL === undefined) {
    throw new ConfigError(
      'TESSERA_SMTP_URL',
      'is required when NODE_ENV=production and account mail is on (verification, password reset, email change): set it to smtp://USER:PASSWORD@HOST:587 or smtps://...:465, or set TESSERA_MAIL_FLOWS=false',
    );
  }
  return Object.freeze({
    mailFlows,
    smtpUrl: e.TESSERA_SMTP_URL,
    mailFrom: e.TESSERA_MAIL_FROM ?? `Tessera <no-reply@${new URL(publicUrl).hostname}>`,
    publicUrl,
    templatesDir: e.TESSERA_MAIL_TEMPLATES,
    mailDir: e.TESSERA_MAIL_DIR,
    requireEmailVerification: e.TESSERA_REQUIRE_EMAIL_VERIFICATION,
    registrationEnumerationSafe:
      e.TESSERA_REGISTRATION_ENUMERATION_SAFE ?? e.TESSERA_REQUIRE_EMAIL_VERIFICATION,
    ttl: Object.freeze({
      verifyEmail: e.TESSERA_VERIFY_EMAIL_TTL,
      resetPassword: e.TESSERA_RESET_PASSWORD_TTL,
      changeEmail: e.TESSERA_EMAIL_CHANGE_TTL,
    }),
    limits: Object.freeze({ ip: e.TESSERA_MAIL_LIMIT_IP, address: e.TESSERA_MAIL_LIMIT_ADDRESS }),
    retry: Object.freeze({
      attempts: e.TESSERA_MAIL_RETRY_ATTEMPTS,
      baseDelaySec: e.TESSERA_MAIL_RETRY_DELAY,
    }),
  });
}
