// Every error the HTTP API answers: code → status, OAuth-style `error` value and public message.
// Internal detail (core error codes, causes) goes to the logs only, never to the client.

export const API_ERRORS = {
  invalid_request: { status: 400, message: 'The request is malformed.' },
  weak_password: { status: 400, message: 'The password does not meet the password policy.' },
  invalid_credentials: { status: 401, message: 'Email or password is incorrect.' },
  unauthorized: { status: 401, message: 'Authentication is required.' },
  invalid_token: { status: 401, message: 'The access token is invalid or expired.' },
  invalid_grant: { status: 401, message: 'The refresh token is invalid, expired or revoked.' },
  invalid_client: { status: 401, message: 'Client authentication failed.' },
  invalid_target: { status: 400, message: 'The requested resource (audience) is not allowed.' },
  insufficient_scope: { status: 403, message: 'The token does not grant access to this resource.' },
  csrf_rejected: { status: 403, message: 'The request origin is not allowed.' },
  registration_disabled: { status: 403, message: 'Registration is disabled on this server.' },
  account_disabled: { status: 403, message: 'This account is disabled.' },
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

/** RFC 6750: a missing token gets a bare challenge, a bad one names `invalid_token`. */
export function missingToken(): ApiError {
  return new ApiError('unauthorized', { headers: { 'www-authenticate': 'Bearer' } });
}

export function invalidToken(cause?: unknown): ApiError {
  return new ApiError('invalid_token', {
    headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
    cause,
  });
}

export function insufficientScope(scope?: string): ApiError {
  const challenge = scope
    ? `Bearer error="insufficient_scope", scope="${scope}"`
    : 'Bearer error="insufficient_scope"';
  return new ApiError('insufficient_scope', { headers: { 'www-authenticate': challenge } });
}

export function badRequest(description: string): ApiError {
  return new ApiError('invalid_request', { description });
}
