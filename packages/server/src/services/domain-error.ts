// The failures of the flows (login, refresh, logout, password change, account and user admin), as
// one typed union. Services throw DomainError; the HTTP layer maps each code to a status in one
// place (errors.ts `apiErrorOf`), and the CLI prints `message` without knowing about HTTP.
import type { LimitResult } from './types.js';

export type DomainFailure =
  /** Input a schema cannot judge (an invalid address, an invalid role). */
  | { code: 'invalid_input'; message: string }
  | { code: 'weak_password'; message: string }
  /** Unknown user, wrong password or disabled account: always the same answer. */
  | { code: 'invalid_credentials'; limit?: LimitResult }
  /** Password change with a wrong current password. */
  | { code: 'wrong_current_password' }
  /** The authenticated caller's account no longer exists or is disabled. */
  | { code: 'invalid_token' }
  /** Unknown, expired, revoked or reused refresh token. */
  | { code: 'invalid_grant'; message?: string }
  | { code: 'rate_limited'; limit: LimitResult }
  | { code: 'registration_disabled' }
  | { code: 'email_taken' }
  | { code: 'not_found'; message?: string }
  /** The change would leave no enabled admin. */
  | { code: 'last_admin' }
  /** HS algorithms have one shared secret and no rotation. */
  | { code: 'rotation_unsupported'; message: string }
  /** A mail link (verify, reset, email change) that is unknown, used, expired or superseded. */
  | { code: 'invalid_link' }
  /** The right password, but TESSERA_REQUIRE_EMAIL_VERIFICATION and an unverified address. */
  | { code: 'email_not_verified' }
  /** Erasure or email change with a wrong `password`. */
  | { code: 'wrong_password' }
  /** A mail-sending flow while account mail is off (TESSERA_MAIL_FLOWS=false). */
  | { code: 'mail_off' }
  /** An mfa_token (second sign-in step, enrolment) that is unknown, used or expired. */
  | { code: 'invalid_mfa_token' }
  /** A wrong TOTP or recovery code, or a passkey assertion that does not verify. */
  | { code: 'invalid_factor' }
  /** RFC 9470: the action needs a second factor proven within `maxAge` seconds (step-up). */
  | { code: 'insufficient_user_authentication'; maxAge: number; message: string }
  /** An RFC 8707 `resource` (audience) this server does not issue tokens for. */
  | { code: 'invalid_target'; message: string }
  /** Application claims could not be computed (claims hook failed, timed out, token too large). */
  | { code: 'claims_unavailable' };

export type DomainErrorCode = DomainFailure['code'];

const MESSAGES: Record<DomainErrorCode, string> = {
  invalid_input: 'invalid input',
  weak_password: 'the password does not meet the password policy',
  invalid_credentials: 'email or password is incorrect',
  wrong_current_password: 'current_password is incorrect',
  invalid_token: 'the account is unknown or disabled',
  invalid_grant: 'the refresh token is invalid, expired or revoked',
  rate_limited: 'too many attempts; retry later',
  registration_disabled: 'registration is disabled on this server',
  email_taken: 'this email is already registered',
  not_found: 'not found',
  last_admin: 'this is the last admin: make another admin first',
  rotation_unsupported: 'key rotation is not supported',
  invalid_link: 'the link is invalid, expired or already used',
  email_not_verified: 'confirm your email address first',
  wrong_password: 'password is incorrect',
  mail_off: 'account mail is turned off on this server',
  invalid_mfa_token: 'the MFA token is invalid, expired or already used',
  invalid_factor: 'the code or passkey could not be verified',
  insufficient_user_authentication: 'a recent second factor is required',
  invalid_target: 'the requested resource (audience) is not allowed',
  claims_unavailable: 'the access token could not be issued (application claims unavailable); retry later',
};

export class DomainError extends Error {
  readonly failure: DomainFailure;

  constructor(failure: DomainFailure) {
    super('message' in failure && failure.message !== undefined ? failure.message : MESSAGES[failure.code]);
    this.name = 'DomainError';
    this.failure = failure;
  }

  get code(): DomainErrorCode {
    return this.failure.code;
  }
}

/** Shorthand: `throw fail({ code: 'not_found' })`. */
export function fail(failure: DomainFailure): DomainError {
  return new DomainError(failure);
}
