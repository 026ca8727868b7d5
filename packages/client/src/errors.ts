/** An HTTP answer from the auth server that the client could not turn into a success. */
export class TesseraClientError extends Error {
  readonly status: number;
  /** The server's `error` value (`invalid_credentials`, `invalid_grant`, ...), when it sent one. */
  readonly code: string;

  constructor(status: number, code: string, description?: string) {
    super(description ? `${code}: ${description}` : code);
    this.name = 'TesseraClientError';
    this.status = status;
    this.code = code;
  }
}

/** Thrown by `fetch` and `getAccessToken` once the session is over (refresh refused or logged out). */
export class SignedOutError extends TesseraClientError {
  constructor(reason: string) {
    super(401, 'signed_out', reason);
    this.name = 'SignedOutError';
  }
}

/**
 * The password was right and a second factor is needed (`mfa_required`), or the account must enrol
 * one first (`mfa_enrollment_required`): finish with `client.completeMfa(...)` or the enrolment
 * routes, passing `mfaToken` (short-lived, single use).
 */
export class MfaRequiredError extends TesseraClientError {
  readonly mfaToken: string;
  readonly methods: string[];

  constructor(code: 'mfa_required' | 'mfa_enrollment_required', mfaToken: string, methods: string[]) {
    super(401, code);
    this.name = 'MfaRequiredError';
    this.mfaToken = mfaToken;
    this.methods = methods;
  }
}
