// The validated, frozen configuration every part of the server reads. Durations are seconds.
import type { Alg } from '@tessera/core';
import type { AccountsConfig } from './accounts-config.js';
import type { RateLimitSpec } from './rate-limit-spec.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  /** NODE_ENV=production: secrets are mandatory and checked for strength. */
  readonly production: boolean;
  readonly host: string;
  readonly port: number;
  /** Exact `iss` of every token, and the origin the CSRF check accepts. No trailing slash. */
  readonly issuer: string;
  readonly audience: string;
  readonly alg: Alg;
  readonly accessTtl: number;
  readonly refreshTtl: number;
  /** Absolute lifetime of a session (refresh family), whatever the rotations. */
  readonly sessionMaxAge: number;
  /** How long a spent refresh token still returns its successor (tabs racing, lost responses). */
  readonly reuseInterval: number;
  readonly keyRotateEvery: number;
  /** `sqlite:PATH`, `sqlite::memory:` or `postgres://...`. */
  readonly databaseUrl: string;
  readonly redisUrl: string | undefined;
  /** Raw TESSERA_MASTER_KEY; undefined in development means "use the dev key file" (keys/master-key.ts). */
  readonly masterKey: string | undefined;
  /** Development key file (TESSERA_MASTER_KEY_FILE); default: .tessera/master.key beside the database. */
  readonly masterKeyFile: string | undefined;
  /** Master keys that may still open sealed keys during a switch, never seal (keys/master-keyring.ts). */
  readonly masterKeyPrevious: string | undefined;
  readonly masterKeyPreviousFile: string | undefined;
  readonly hsSecret: string | undefined;
  readonly limits: {
    readonly loginIp: RateLimitSpec;
    readonly loginAccount: RateLimitSpec;
    readonly refreshIp: RateLimitSpec;
  };
  /** CIDRs whose X-Forwarded-For is believed; empty = trust no proxy. */
  readonly trustedProxies: readonly string[];
  /** Origins, besides the issuer's, allowed to use the refresh cookie. */
  readonly allowedOrigins: readonly string[];
  readonly cookieSecure: boolean;
  readonly registration: boolean;
  readonly bootstrapAdmin: { readonly email: string; readonly password: string } | undefined;
  readonly metricsToken: string | undefined;
  /** TESSERA_MFA_REQUIRED_ROLES: users with one of these roles must enrol a second factor. */
  readonly mfaRequiredRoles: readonly string[];
  readonly logLevel: LogLevel;
  /** Request body limit in bytes (413 above it). */
  readonly bodyLimit: number;
  /** Audiences user tokens may be issued for (RFC 8707 `resource`); always includes `audience`. */
  readonly audiences: readonly string[];
  /** ES module adding computed claims to access tokens (claims/claims-hook.ts). */
  readonly claimsModule: string | undefined;
  /** Time limit of one claims-hook call, milliseconds. */
  readonly claimsTimeoutMs: number;
  /** Largest access token the server issues, bytes (application claims must fit). */
  readonly tokenMaxBytes: number;
  /** Account lifecycle and mail (config/accounts-config.ts). */
  readonly accounts: AccountsConfig;
}

/** A configuration problem at start-up; `variable` is the TESSERA_* name to fix. Exit code 2. */
export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}
