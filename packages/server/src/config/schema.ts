// The documented schema of every TESSERA_* variable and its defaults.
// Each variable is parsed with zod so an error names the variable and says what is expected.
import { isIP } from 'node:net';
import { parseDuration } from '@tessera/core';
import { z } from 'zod';
import { parseRateLimit } from './rate-limit-spec.js';

export const ALGORITHMS = [
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'HS256',
  'HS384',
  'HS512',
] as const;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const duration = z.string().transform((value, ctx) => {
  try {
    const seconds = parseDuration(value.trim());
    if (seconds >= 1) return seconds;
  } catch {
    // reported below
  }
  ctx.addIssue({ code: 'custom', message: `expected a duration such as 900, 15m, 7d (got "${value}")` });
  return z.NEVER;
});

export const rateLimit = z.string().transform((value, ctx) => {
  try {
    return parseRateLimit(value.trim());
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `${(err as Error).message} (got "${value}")` });
    return z.NEVER;
  }
});

export const boolean = z.string().transform((value, ctx) => {
  const v = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  ctx.addIssue({ code: 'custom', message: `expected true or false (got "${value}")` });
  return z.NEVER;
});

/** Comma-separated list; blanks dropped. */
const list = z.string().transform((value) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0),
);

const origins = list.transform((items, ctx) => {
  const out: string[] = [];
  for (const item of items) {
    let url: URL | undefined;
    try {
      url = new URL(item);
    } catch {
      url = undefined;
    }
    if (
      !url ||
      (url.protocol !== 'http:' && url.protocol !== 'https:') ||
      url.origin !== item.replace(/\/$/, '')
    ) {
      ctx.addIssue({ code: 'custom', message: `"${item}" is not an origin like https://app.example.com` });
      return z.NEVER;
    }
    out.push(url.origin);
  }
  return out;
});

const cidrs = list.transform((items, ctx) => {
  for (const item of items) {
    const [address = '', prefix, extra] = item.split('/');
    const family = isIP(address);
    const max = family === 6 ? 128 : 32;
    const prefixOk = prefix === undefined || (/^[0-9]{1,3}$/.test(prefix) && Number(prefix) <= max);
    if (family === 0 || !prefixOk || extra !== undefined) {
      ctx.addIssue({ code: 'custom', message: `"${item}" is not an IP address or CIDR like 10.0.0.0/8` });
      return z.NEVER;
    }
  }
  return items;
});

export const issuer = z.string().transform((value, ctx) => {
  const trimmed = value.trim().replace(/\/+$/, '');
  try {
    const url = new URL(trimmed);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && !url.search && !url.hash) return trimmed;
  } catch {
    // reported below
  }
  ctx.addIssue({
    code: 'custom',
    message: `expected an http(s) URL such as https://auth.example.com (got "${value}")`,
  });
  return z.NEVER;
});

export const nonEmpty = z.string().trim().min(1, 'must not be empty');

/** Raw environment → typed values. Optional ones stay undefined; `load.ts` derives the rest. */
export const envSchema = z.object({
  NODE_ENV: z.string().optional(),
  /** Optional JSON file with TESSERA_* keys; the environment wins over it. */
  TESSERA_CONFIG_FILE: nonEmpty.optional(),
  TESSERA_HOST: nonEmpty.default('127.0.0.1'),
  TESSERA_PORT: z
    .string()
    .default('8080')
    .transform((v) => (/^\s*\d+\s*$/.test(v) ? Number(v) : Number.NaN))
    .pipe(z.number({ error: 'must be a port number' }).int().min(0).max(65535)),
  TESSERA_ISSUER: issuer.optional(),
  TESSERA_AUDIENCE: nonEmpty.default('tessera'),
  TESSERA_ALG: z.enum(ALGORITHMS).default('ES256'),
  TESSERA_ACCESS_TTL: duration.default(900),
  TESSERA_REFRESH_TTL: duration.default(7 * 86400),
  TESSERA_SESSION_MAX_AGE: duration.default(30 * 86400),
  TESSERA_REUSE_INTERVAL: duration.default(10),
  TESSERA_KEY_ROTATE_EVERY: duration.default(30 * 86400),
  TESSERA_DATABASE_URL: nonEmpty
    .refine((url) => /^(sqlite:|postgres(ql)?:\/\/)/.test(url), {
      message: 'expected sqlite:PATH, sqlite::memory: or postgres://USER:PASSWORD@HOST:PORT/DATABASE',
    })
    .default('sqlite:./.tessera/tessera.db'),
  TESSERA_REDIS_URL: nonEmpty.optional(),
  TESSERA_MASTER_KEY: nonEmpty.optional(),
  TESSERA_MASTER_KEY_FILE: nonEmpty.optional(),
  TESSERA_MASTER_KEY_PREVIOUS: nonEmpty.optional(),
  TESSERA_MASTER_KEY_PREVIOUS_FILE: nonEmpty.optional(),
  TESSERA_HS_SECRET: nonEmpty.optional(),
  TESSERA_LOGIN_LIMIT_IP: rateLimit.default(parseRateLimit('100/15m')),
  TESSERA_LOGIN_LIMIT_ACCOUNT: rateLimit.default(parseRateLimit('5/15m')),
  TESSERA_REFRESH_LIMIT_IP: rateLimit.default(parseRateLimit('600/15m')),
  TESSERA_TRUSTED_PROXIES: cidrs.default([]),
  TESSERA_ALLOWED_ORIGINS: origins.default([]),
  TESSERA_COOKIE_SECURE: boolean.default(true),
  TESSERA_REGISTRATION: boolean.default(true),
  TESSERA_BOOTSTRAP_ADMIN_EMAIL: nonEmpty.optional(),
  TESSERA_BOOTSTRAP_ADMIN_PASSWORD: nonEmpty.optional(),
  TESSERA_METRICS_TOKEN: nonEmpty.optional(),
  /** Roles that must enrol a second factor before any token is issued, comma-separated. */
  TESSERA_MFA_REQUIRED_ROLES: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((r) => r.trim())
        .filter((r) => r !== ''),
    ),
  TESSERA_LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  // Application claims and audiences (claims/, audiences/).
  TESSERA_AUDIENCES: list.optional(),
  TESSERA_CLAIMS_MODULE: nonEmpty.optional(),
  TESSERA_CLAIMS_TIMEOUT_MS: z
    .string()
    .default('200')
    .transform((v) => (/^\s*\d+\s*$/.test(v) ? Number(v) : Number.NaN))
    .pipe(z.number({ error: 'must be a number of milliseconds' }).int().min(1).max(10_000)),
  TESSERA_TOKEN_MAX_BYTES: z
    .string()
    .default('1024')
    .transform((v) => (/^\s*\d+\s*$/.test(v) ? Number(v) : Number.NaN))
    .pipe(z.number({ error: 'must be a number of bytes' }).int().min(256).max(8192)),
  TESSERA_BODY_LIMIT: z
    .string()
    .default('65536')
    .transform((v) => (/^\s*\d+\s*$/.test(v) ? Number(v) : Number.NaN))
    .pipe(
      z
        .number({ error: 'must be a number of bytes' })
        .int()
        .min(1024)
        .max(16 * 1024 * 1024),
    ),
});

export type EnvInput = z.input<typeof envSchema>;
export type ParsedEnv = z.output<typeof envSchema>;
