// Errors raised by @tessera/verify itself. They are not TesseraError: a token that fails a check in
// core is the caller's fault (401), while these say the verifier cannot decide right now (503).
// Messages are static strings: never a token, a URL with credentials or a secret.

export type VerifyErrorCode =
  | 'ERR_JWKS_NOT_READY'
  | 'ERR_JWKS_FETCH_FAILED'
  | 'ERR_JWKS_TIMEOUT'
  | 'ERR_REVOCATIONS_STALE'
  | 'ERR_REVOCATIONS_FETCH_FAILED'
  | 'ERR_AUTHZ_INSUFFICIENT_SCOPE';

/** Every code of this package, documented in packages/verify/README.md (a test checks). */
export const VERIFY_ERROR_CODES: readonly VerifyErrorCode[] = Object.freeze([
  'ERR_JWKS_NOT_READY',
  'ERR_JWKS_FETCH_FAILED',
  'ERR_JWKS_TIMEOUT',
  'ERR_REVOCATIONS_STALE',
  'ERR_REVOCATIONS_FETCH_FAILED',
  'ERR_AUTHZ_INSUFFICIENT_SCOPE',
]);

export class VerifyError extends Error {
  readonly code: VerifyErrorCode;

  constructor(code: VerifyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }
}

/** No key set has been loaded yet: await `verifier.ready()` or use `verifyAsync`. */
export class JwksNotReady extends VerifyError {
  constructor(options?: { cause?: unknown }) {
    super('ERR_JWKS_NOT_READY', 'no key set loaded yet', options);
  }
}

/** The JWKS (or discovery document) answered badly or could not be reached. */
export class JwksFetchFailed extends VerifyError {
  constructor(message = 'fetching the key set failed', options?: { cause?: unknown }) {
    super('ERR_JWKS_FETCH_FAILED', message, options);
  }
}

export class JwksTimeout extends VerifyError {
  constructor(options?: { cause?: unknown }) {
    super('ERR_JWKS_TIMEOUT', 'fetching the key set timed out', options);
  }
}

/**
 * The revocation feed has not been reached for longer than `maxStaleness`: the verifier cannot tell
 * whether a token was revoked, so it refuses every token (fail closed) unless `onStale: 'fail-open'`.
 */
export class RevocationsStale extends VerifyError {
  constructor(options?: { cause?: unknown }) {
    super('ERR_REVOCATIONS_STALE', 'revocation feed is stale', options);
  }
}

export class RevocationsFetchFailed extends VerifyError {
  constructor(message = 'fetching revocations failed', options?: { cause?: unknown }) {
    super('ERR_REVOCATIONS_FETCH_FAILED', message, options);
  }
}

/** A valid token without a required role or scope (`requiredRoles`, `requireRoles`): 403. */
export class InsufficientScope extends VerifyError {
  constructor(options?: { cause?: unknown }) {
    super('ERR_AUTHZ_INSUFFICIENT_SCOPE', 'token lacks a required role or scope', options);
  }
}

/** True for errors that mean "cannot decide now" (503) rather than "bad token" (401) or 403. */
export function isUnavailableError(err: unknown): err is VerifyError {
  return err instanceof VerifyError && err.code !== 'ERR_AUTHZ_INSUFFICIENT_SCOPE';
}
