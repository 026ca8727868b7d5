// Loads TESSERA_* from the environment (and an optional JSON file), validates once, freezes.
import { readFileSync } from 'node:fs';
import type { Alg } from '@tessera/core';
import type { ZodError } from 'zod';
import { parseMasterKey } from '../keys/master-key.js';
import { loadPreviousMasterKeys } from '../keys/master-keyring.js';
import { loadAccountsConfig } from './accounts-config.js';
import { type Config, ConfigError } from './config.js';
import { envSchema } from './schema.js';
import { readSecretFiles } from './secret-files.js';
import { secretProblem } from './secret-policy.js';

export type Env = Record<string, string | undefined>;

/** Validates the environment and returns a frozen Config; throws ConfigError naming the variable. */
export function loadConfig(env: Env = process.env): Config {
  const merged = readSecretFiles({ ...readConfigFile(env.TESSERA_CONFIG_FILE), ...pickDefined(env) });
  const parsed = envSchema.safeParse(merged);
  if (!parsed.success) throw toConfigError(parsed.error);
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';

  const admin = adminFrom(e.TESSERA_BOOTSTRAP_ADMIN_EMAIL, e.TESSERA_BOOTSTRAP_ADMIN_PASSWORD);
  checkSecrets(production, e.TESSERA_ALG, e.TESSERA_MASTER_KEY, e.TESSERA_HS_SECRET);
  checkPreviousMasterKeys(e.TESSERA_MASTER_KEY_PREVIOUS);
  if (e.TESSERA_REFRESH_TTL > e.TESSERA_SESSION_MAX_AGE) {
    throw new ConfigError('TESSERA_REFRESH_TTL', 'must not be longer than TESSERA_SESSION_MAX_AGE');
  }

  const issuer = e.TESSERA_ISSUER ?? `http://localhost:${e.TESSERA_PORT}`;
  const config: Config = {
    production,
    host: e.TESSERA_HOST,
    port: e.TESSERA_PORT,
    issuer,
    audience: e.TESSERA_AUDIENCE,
    alg: e.TESSERA_ALG as Alg,
    accessTtl: e.TESSERA_ACCESS_TTL,
    refreshTtl: e.TESSERA_REFRESH_TTL,
    sessionMaxAge: e.TESSERA_SESSION_MAX_AGE,
    reuseInterval: e.TESSERA_REUSE_INTERVAL,
    keyRotateEvery: e.TESSERA_KEY_ROTATE_EVERY,
    databaseUrl: e.TESSERA_DATABASE_URL,
    redisUrl: e.TESSERA_REDIS_URL,
    masterKey: e.TESSERA_MASTER_KEY,
    masterKeyFile: e.TESSERA_MASTER_KEY_FILE,
    masterKeyPrevious: e.TESSERA_MASTER_KEY_PREVIOUS,
    masterKeyPreviousFile: e.TESSERA_MASTER_KEY_PREVIOUS_FILE,
    hsSecret: e.TESSERA_HS_SECRET,
    limits: Object.freeze({
      loginIp: e.TESSERA_LOGIN_LIMIT_IP,
      loginAccount: e.TESSERA_LOGIN_LIMIT_ACCOUNT,
      refreshIp: e.TESSERA_REFRESH_LIMIT_IP,
    }),
    trustedProxies: Object.freeze([...e.TESSERA_TRUSTED_PROXIES]),
    allowedOrigins: Object.freeze([...e.TESSERA_ALLOWED_ORIGINS]),
    cookieSecure: e.TESSERA_COOKIE_SECURE,
    registration: e.TESSERA_REGISTRATION,
    bootstrapAdmin: admin,
    metricsToken: e.TESSERA_METRICS_TOKEN,
    mfaRequiredRoles: Object.freeze([...e.TESSERA_MFA_REQUIRED_ROLES]),
    logLevel: e.TESSERA_LOG_LEVEL,
    bodyLimit: e.TESSERA_BODY_LIMIT,
    audiences: Object.freeze([...new Set([e.TESSERA_AUDIENCE, ...(e.TESSERA_AUDIENCES ?? [])])]),
    claimsModule: e.TESSERA_CLAIMS_MODULE,
    claimsTimeoutMs: e.TESSERA_CLAIMS_TIMEOUT_MS,
    tokenMaxBytes: e.TESSERA_TOKEN_MAX_BYTES,
    accounts: loadAccountsConfig(merged, { production, issuer }),
  };
  return Object.freeze(config);
}

/** Production never falls back to a default or weak secret; it says exactly what to set. */
function checkSecrets(production: boolean, alg: string, masterKey?: string, hsSecret?: string): void {
  if (!production) return;
  const generate = 'generate one with `tessera secret generate`';
  if (masterKey === undefined) {
    throw new ConfigError(
      'TESSERA_MASTER_KEY',
      `is required when NODE_ENV=production (32 random bytes, base64); ${generate}`,
    );
  }
  try {
    parseMasterKey(masterKey);
  } catch (err) {
    // MasterKeyError messages start with the variable name and never echo the value.
    const reason = (err as Error).message.replace(/^TESSERA_MASTER_KEY\s*/, '');
    throw new ConfigError('TESSERA_MASTER_KEY', `${reason} (production needs 32 random bytes; ${generate})`);
  }
  const masterProblem = secretProblem(masterKey);
  if (masterProblem) {
    throw new ConfigError('TESSERA_MASTER_KEY', `is too weak: ${masterProblem}; ${generate}`);
  }
  if (alg.startsWith('HS')) {
    if (hsSecret === undefined) {
      throw new ConfigError(
        'TESSERA_HS_SECRET',
        `is required for TESSERA_ALG=${alg} in production; ${generate}`,
      );
    }
    const hsProblem = secretProblem(hsSecret);
    if (hsProblem) throw new ConfigError('TESSERA_HS_SECRET', `is too weak: ${hsProblem}; ${generate}`);
  }
}

/** A malformed previous master key is a configuration error at start, not a surprise at unseal. */
function checkPreviousMasterKeys(value: string | undefined): void {
  try {
    loadPreviousMasterKeys({ value });
  } catch (err) {
    const reason = (err as Error).message.replace(/^TESSERA_MASTER_KEY_PREVIOUS\s*/, '');
    throw new ConfigError('TESSERA_MASTER_KEY_PREVIOUS', reason);
  }
}

function adminFrom(email?: string, password?: string): Config['bootstrapAdmin'] {
  if (email === undefined && password === undefined) return undefined;
  if (email === undefined) {
    throw new ConfigError(
      'TESSERA_BOOTSTRAP_ADMIN_EMAIL',
      'must be set with TESSERA_BOOTSTRAP_ADMIN_PASSWORD',
    );
  }
  if (password === undefined) {
    throw new ConfigError(
      'TESSERA_BOOTSTRAP_ADMIN_PASSWORD',
      'must be set with TESSERA_BOOTSTRAP_ADMIN_EMAIL',
    );
  }
  return Object.freeze({ email, password });
}

function readConfigFile(path: string | undefined): Env {
  if (!path) return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError('TESSERA_CONFIG_FILE', `cannot read ${path} (${code})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ConfigError('TESSERA_CONFIG_FILE', `${path} is not valid JSON (${jsonErrorPlace(text, err)})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError('TESSERA_CONFIG_FILE', `${path} must hold a JSON object of TESSERA_* keys`);
  }
  const out: Env = {};
  for (const [key, value] of Object.entries(data)) {
    if (!key.startsWith('TESSERA_')) {
      throw new ConfigError(
        'TESSERA_CONFIG_FILE',
        `${path}: unknown key "${key}" (keys are TESSERA_* names)`,
      );
    }
    out[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}

/**
 * Where a JSON parse failed, as line and column only: V8's own message quotes the text around the
 * error, and a config file holds secrets, so that message is never passed on.
 */
function jsonErrorPlace(text: string, err: unknown): string {
  const match = /at position (\d+)/.exec(err instanceof Error ? err.message : '');
  if (!match) return text.trim() === '' ? 'the file is empty' : 'unexpected content';
  const before = text.slice(0, Number(match[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `syntax error at line ${line}, column ${column}`;
}

/** Empty variables count as unset, as shells and compose files often export them empty. */
function pickDefined(env: Env): Env {
  const out: Env = {};
  for (const [key, value] of Object.entries(env)) {
    if ((key.startsWith('TESSERA_') || key === 'NODE_ENV') && value !== undefined && value !== '') {
      out[key] = value;
    }
  }
  return out;
}

function toConfigError(error: ZodError): ConfigError {
  const issue = error.issues[0];
  const variable = String(issue?.path[0] ?? 'configuration');
  return new ConfigError(variable, issue?.message ?? 'invalid value');
}
