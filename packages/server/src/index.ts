// Public API of @tessera/server: start it, or build its pieces (the CLI and tests use these).
export {
  type AuthResult,
  authenticate,
  createAccount,
  ensureBootstrapAdmin,
  hashPassword,
  isValidEmail,
  type NewAccount,
  normalizeEmail,
  passwordProblem,
  setPassword,
  verifyPassword,
} from './accounts/index.js';
export { buildApp } from './app.js';
export type { AppContext, AppServices, Clock, MetricsService } from './app-context.js';
export { AUDIT_EVENTS, createAuditLog, isAuditEvent } from './audit/index.js';
export {
  type Config,
  ConfigError,
  type Env,
  envSchema,
  loadConfig,
  parseRateLimit,
  productionWarnings,
  type RateLimitSpec,
  SECRET_VARIABLES,
  type UnsafeSetting,
} from './config/index.js';
export {
  type DriverName,
  hasOptionalDriver,
  MissingDriverError,
  OPTIONAL_DRIVERS,
} from './drivers/optional-driver.js';
export { API_ERROR_CODES, API_ERRORS, ApiError, type ApiErrorCode } from './errors.js';
export {
  type CreateAnyKeyServiceOptions,
  createKeyService,
  KeyRotationUnsupportedError,
  type KeyServiceBase,
  loadMasterKey,
  MasterKeyError,
  parseMasterKey,
  rotationPolicy,
  SealError,
  seal,
  unseal,
} from './keys/index.js';
export { createMetrics, type Metrics } from './metrics/index.js';
export {
  CLIENT_SCOPES,
  createClient,
  describeClient,
  hashClientSecret,
  verifyClientSecret,
} from './oauth/index.js';
export { createLogger } from './plugins/logger.js';
export { createRateLimits, type LimiterFactory, parseLimitSpec } from './plugins/rate-limit.js';
export type { IssuedTokens, RefreshService } from './refresh/refresh-service.js';
export { createRevocationService, DenyList } from './revocation/index.js';
export { changeUser, describeUser, type UserPatch } from './routes/admin-user-ops.js';
export {
  closeContext,
  createContext,
  type RunningServer,
  type StartServerOptions,
  startServer,
} from './server.js';
export type { AuditLog, KeyService, RateLimits, RevocationService } from './services/types.js';
export type { SessionService } from './sessions/session-service.js';
export { createStores } from './stores/index.js';
export type { Stores, UserRecord } from './stores/types.js';
