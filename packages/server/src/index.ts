// Public API of @tessera/server: start it, or build its pieces (the CLI and tests use these).

export { type ImportOutcome, type ImportReport, importUsers } from './accounts/import/import-users.js';
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
export { classifyHash, UNUSABLE_PASSWORD } from './accounts/legacy-hashes.js';
export type { AccountLifecycle } from './accounts/lifecycle/account-lifecycle.js';
export { buildApp } from './app.js';
export type { AppContext, AppServices, Clock, MetricsService } from './app-context.js';
export { AUDIT_EVENTS, createAuditLog, isAuditEvent } from './audit/index.js';
export { claimsProblem, RESERVED_CLAIMS, setUserClaims } from './claims/index.js';
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
export { API_ERROR_CODES, API_ERRORS, ApiError, type ApiErrorCode, apiErrorOf } from './errors.js';
export {
  type CreateAnyKeyServiceOptions,
  createKeyService,
  isSealedUnder,
  KeyRotationUnsupportedError,
  loadMasterKey,
  MasterKeyError,
  masterKeyId,
  parseMasterKey,
  type RevokedKey,
  RewrapError,
  type RewrapResult,
  revokeSigningKey,
  rewrapKeys,
  rotationPolicy,
  SealError,
  seal,
  unseal,
} from './keys/index.js';
export { createLogger } from './logging/logger.js';
export { createMetrics, type Metrics } from './metrics/index.js';
export {
  CLIENT_AUTH_METHODS,
  CLIENT_GRANT_TYPES,
  CLIENT_SCOPES,
  type ClientAdminDeps,
  type ClientSettings,
  changeClient,
  clientPatchSchema,
  clientSettingsSchema,
  createClient,
  deleteClient,
  describeClient,
  hashClientSecret,
  isDelegatedToken,
  isServiceToken,
  registerClient,
  rotateClientSecret,
  TOKEN_EXCHANGE_GRANT,
  verifyClientSecret,
} from './oauth/index.js';
export { createRateLimits, parseLimitSpec } from './ratelimit/rate-limits.js';
export type { IssuedTokens, RefreshService } from './refresh/refresh-service.js';
export { createRevocationService } from './revocation/index.js';
export {
  closeContext,
  createContext,
  type RunningServer,
  rewrapStoredKeys,
  type StartServerOptions,
  startServer,
} from './server.js';
export { type AuthFlows, type Caller, createAuthFlows } from './services/auth-flows.js';
export { DomainError, type DomainErrorCode, type DomainFailure } from './services/domain-error.js';
export type { AuditLog, KeyService, RateLimits, RevocationService } from './services/types.js';
export {
  changeUser,
  createUser,
  describeUser,
  listUsers,
  type UserAdminDeps,
  type UserPatch,
} from './services/user-admin.js';
export type { SessionService } from './sessions/session-service.js';
export { createStores } from './stores/index.js';
export type { Stores, UserRecord } from './stores/types.js';
