// Every error the HTTP API answers: code → status, OAuth-style `error` value and public message,
// and the one mapping from the services' domain failures to HTTP (`apiErrorOf`). Internal detail
// (core error codes, causes) goes to the logs only, never to the client.
import type { Denial } from '@tessera/verify';
import type { DomainFailure } from './services/domain-error.js';
import type { LimitResult } from './services/types.js';

export const API_ERRORS = {
  invalid_request: { status: 400, message: 'The request is malformed.' },
  weak_password: { status: 400, message: 'The password does not meet the password policy.' },
  invalid_credentials: { status: 401, message: 'Email or password is incorrect.' },
  unauthorized: { status: 401, message: 'Authentication is required.' },
  invalid_token: { status: 401, message: 'The access token is invalid or expired.' },
  invalid_grant: { status: 401, message: 'The refresh token is invalid, expired or revoked.' },
  invalid_client: { status: 401, message: 'Client authentication failed.' },
  mfa_required: { status: 401, message: 'A second factor is required to complete sign-in.' },
  mfa_enrollment_required: {
    status: 401,
    message: 'This account must enrol a second factor before it can sign in.',
  },
  invalid_mfa_token: { status: 401, message: 'The MFA token is invalid, expired or already used.' },
  invalid_factor: { status: 401, message: 'The second factor could not be verified.' },
  insufficient_user_authentication: {
    status: 401,
    message: 'A stronger or more recent authentication is required.',
  },
  invalid_target: { status: 400, message: 'The requested resource (audience) is not allowed.' },
  insufficient_scope: { status: 403, message: 'The token does not grant access to this resource.' },
  csrf_rejected: { status: 403, message: 'The request origin is not allowed.' },
  registration_disabled: { status: 403, message: 'Registration is disabled on this server.' },
  account_disabled: { status: 403, message: 'This account is disabled.' },
  email_not_verified: { status: 403, message: 'Confirm your email address first (see the mail we sent).' },
  not_found: { status: 404, message: 'Not found.' },
  method_not_allowed: { status: 405, message: 'Method not allowed.' },
  email_taken: { status: 409, message: 'This email is already registered.' },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  unsupported_media_type: { status: 415, message: 'Send the body as application/json.' },
  rate_limited: { status: 429, message: 'Too many requests; retry later.' },
  server_error: { status: 500, message: 'Internal server error.' },
  temporarily_unavailable: { status: 503, message: 'The service is temporarily unavailable.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ApiErrorCode = keyof typeof API_ERRORS;

export const API_ERROR_CODES = Object.keys(API_ERRORS) as ApiErrorCode[];

/** Thrown by routes and plugins; the error handler turns it into `{error, error_description}`. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly status: number;
  /** Public text; defaults to the code's message. Never put a token or secret here. */
  readonly description: string;
  /** Extra response headers (WWW-Authenticate, Retry-After, ...). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: ApiErrorCode,
    opts: { description?: string; status?: number; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(
      opts.description ?? API_ERRORS[code].message,
      opts.cause === undefined ? {} : { cause: opts.cause },
    );
    this.name = 'ApiError';
    this.code = code;
    this.status = opts.status ?? API_ERRORS[code].status;
    this.description = opts.description ?? API_ERRORS[code].message;
    this.headers = opts.headers ?? {};
  }

  toJSON(): { error: string; error_description: string } {
    return { error: this.code, error_description: this.description };
  }
}

/**
 * A refusal decided by @tessera/verify (RFC 6750 challenge, status and error code), in this API's
 * error format. The server and every resource service answer the same challenges.
 */
export function deniedError(denial: Denial): ApiError {
  const code = (denial.body.error in API_ERRORS ? denial.body.error : 'invalid_token') as ApiErrorCode;
  return new ApiError(code, { status: denial.status, headers: denial.headers });
}

/** RFC 6750 §3: the challenge of a bearer token that is not valid. */
export function invalidToken(cause?: unknown): ApiError {
  return new ApiError('invalid_token', {
    headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
    cause,
  });
}

/** 429 with Retry-After and the IETF RateLimit headers. */
export function rateLimitedError(limit: LimitResult): ApiError {
  const retryAfter = String(Math.max(1, limit.resetSeconds));
  return new ApiError('rate_limited', {
    headers: {
      'retry-after': retryAfter,
      'ratelimit-limit': String(limit.limit),
      'ratelimit-remaining': '0',
      'ratelimit-reset': retryAfter,
    },
  });
}

/** The RateLimit headers of an allowed (counted) attempt. */
export function rateLimitHeaders(limit: LimitResult): Record<string, string> {
  return {
    'ratelimit-limit': String(limit.limit),
    'ratelimit-remaining': String(limit.remaining),
    'ratelimit-reset': String(limit.resetSeconds),
  };
}

/** The one mapping from a service's domain failure to the HTTP answer. */
export function apiErrorOf(failure: DomainFailure, cause?: unknown): ApiError {
  switch (failure.code) {
    case 'invalid_input':
      return new ApiError('invalid_request', { description: failure.message, cause });
    case 'weak_password':
      return new ApiError('weak_password', { description: failure.message, cause });
    case 'invalid_credentials':
      return new ApiError('invalid_credentials', {
        ...(failure.limit ? { headers: rateLimitHeaders(failure.limit) } : {}),
        cause,
      });
    case 'wrong_current_password':
      return new ApiError('invalid_credentials', {
        status: 403,
        description: 'current_password is incorrect',
        cause,
      });
    case 'invalid_token':
      return invalidToken(cause);
    case 'invalid_grant':
      return new ApiError('invalid_grant', {
        ...(failure.message === undefined ? {} : { description: failure.message }),
        cause,
      });
    case 'rate_limited':
      return rateLimitedError(failure.limit);
    case 'registration_disabled':
      return new ApiError('registration_disabled', { cause });
    case 'email_taken':
      return new ApiError('email_taken', { cause });
    case 'not_found':
      return new ApiError('not_found', {
        ...(failure.message === undefined ? {} : { description: failure.message }),
        cause,
      });
    case 'last_admin':
      return new ApiError('invalid_request', {
        description: 'this is the last admin: make another admin first',
        cause,
      });
    case 'rotation_unsupported':
      return new ApiError('invalid_request', { description: failure.message, cause });
    case 'invalid_link':
      return new ApiError('invalid_request', {
        description: 'the link is invalid, expired or already used',
        cause,
      });
    case 'email_not_verified':
      return new ApiError('email_not_verified', { cause });
    case 'wrong_password':
      return new ApiError('invalid_credentials', {
        status: 403,
        description: 'password is incorrect',
        cause,
      });
    case 'mail_off':
      return new ApiError('not_found', { description: 'account mail is turned off on this server', cause });
    case 'invalid_mfa_token':
      return new ApiError('invalid_mfa_token', { cause });
    case 'invalid_factor':
      return new ApiError('invalid_factor', { cause });
    case 'insufficient_user_authentication':
      return new ApiError('insufficient_user_authentication', {
        description: failure.message,
        headers: {
          'www-authenticate': `Bearer error="insufficient_user_authentication", error_description="${failure.message}", max_age=${failure.maxAge}`,
        },
        cause,
      });
    case 'invalid_target':
      return new ApiError('invalid_target', { description: failure.message, cause });
    case 'claims_unavailable':
      return new ApiError('temporarily_unavailable', {
        description: 'The access token could not be issued (application claims unavailable); retry later.',
        headers: { 'retry-after': '1' },
        cause,
      });
  }
}

export function badRequest(description: string): ApiError {
  return new ApiError('invalid_request', { description });
}
