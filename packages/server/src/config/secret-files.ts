// Docker and Kubernetes secrets arrive as files: every TESSERA_X that holds a secret can instead be
// given as TESSERA_X_FILE, the path of a file holding the value, in production as in development.
// The file's contents never appear in an error message.
import { readFileSync } from 'node:fs';
import { ConfigError } from './config.js';

type Env = Record<string, string | undefined>;

/** The variables that hold secrets (credentials may sit in the database and Redis URLs). */
export const SECRET_VARIABLES = [
  'TESSERA_MASTER_KEY',
  'TESSERA_HS_SECRET',
  'TESSERA_DATABASE_URL',
  'TESSERA_REDIS_URL',
  'TESSERA_BOOTSTRAP_ADMIN_PASSWORD',
  'TESSERA_METRICS_TOKEN',
  'TESSERA_SMTP_URL',
] as const;

/**
 * Returns `env` with each TESSERA_X_FILE of a secret variable read into TESSERA_X (surrounding
 * whitespace, such as the newline `echo` adds, removed). Setting both is an error. One exception
 * keeps development zero-configuration: outside production, a TESSERA_MASTER_KEY_FILE that does
 * not exist yet is left for the server to create (a generated development key).
 */
export function readSecretFiles(env: Env): Env {
  const out: Env = { ...env };
  const production = env.NODE_ENV === 'production';
  for (const name of SECRET_VARIABLES) {
    const fileVariable = `${name}_FILE`;
    const path = env[fileVariable];
    if (path === undefined) continue;
    if (env[name] !== undefined) {
      throw new ConfigError(fileVariable, `is set together with ${name}; set only one of them`);
    }
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
      if (name === 'TESSERA_MASTER_KEY' && code === 'ENOENT' && !production) continue;
      throw new ConfigError(fileVariable, `cannot read ${path} (${code})`);
    }
    const value = text.trim();
    if (value === '') throw new ConfigError(fileVariable, `${path} is empty`);
    out[name] = value;
  }
  return out;
}
