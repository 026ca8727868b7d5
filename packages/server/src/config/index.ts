export { type Config, ConfigError, type LogLevel } from './config.js';
export { type Env, loadConfig } from './load.js';
export { productionWarnings, type UnsafeSetting } from './production-warnings.js';
export { formatRateLimit, parseRateLimit, type RateLimitSpec } from './rate-limit-spec.js';
export { ALGORITHMS, envSchema, LOG_LEVELS } from './schema.js';
export { readSecretFiles, SECRET_VARIABLES } from './secret-files.js';
