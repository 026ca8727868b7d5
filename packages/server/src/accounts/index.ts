export {
  type AuthResult,
  authenticate,
  createAccount,
  type NewAccount,
  newUserId,
  setPassword,
} from './accounts.js';
export { type BootstrapAdminOptions, ensureBootstrapAdmin } from './bootstrap-admin.js';
export { breachedPasswords, isBreachedPassword } from './breached-passwords.js';
export { isValidEmail, MAX_EMAIL_LENGTH, normalizeEmail } from './email.js';
export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblem } from './password-policy.js';
export {
  ARGON2_PARAMS,
  hashPassword,
  verifyAgainstDummy,
  verifyPassword,
  warmUpDummyHash,
} from './passwords.js';
