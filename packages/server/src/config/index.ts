export { type Config, ConfigError, type LogLevel } from './config.js';
export { type Env, loadConfig } from './load.js';
export { formatRateLimit, parseRateLimit, type RateLimitSpec } from './rate-limit-spec.js';
export { ALGORITHMS, envSchema, LOG_LEVELS } from './schema.js';
