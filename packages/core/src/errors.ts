// Typed errors of the JOSE engine. Messages are static strings written here: they never contain the
// token, a claim value or key material, so an error can be logged as is.

export type ErrorCode =
  | 'ERR_JWT_MALFORMED'
  | 'ERR_JWT_TOO_LARGE'
  | 'ERR_JOSE_ALG_NOT_ALLOWED'
  | 'ERR_JOSE_HEADER_INVALID'
  | 'ERR_JWKS_NO_MATCHING_KEY'
  | 'ERR_JWS_SIGNATURE_INVALID'
  | 'ERR_JWT_EXPIRED'
  | 'ERR_JWT_NOT_YET_VALID'
  | 'ERR_JWT_CLAIM_INVALID'
  | 'ERR_JWT_REVOKED';

/** Every code, in a stable order. Each one is documented in packages/core/README.md (a test checks). */
export const ERROR_CODES: readonly ErrorCode[] = Object.freeze([
  'ERR_JWT_MALFORMED',
  'ERR_JWT_TOO_LARGE',
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JOSE_HEADER_INVALID',
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWS_SIGNATURE_INVALID',
  'ERR_JWT_EXPIRED',
  'ERR_JWT_NOT_YET_VALID',
  'ERR_JWT_CLAIM_INVALID',
  'ERR_JWT_REVOKED',
]);

/** Why a claim failed: absent, wrong type/shape, or present but not the expected value. */
export type ClaimReason = 'missing' | 'invalid' | 'mismatch';

export interface TesseraErrorOptions {
  cause?: unknown;
}

/** Base class of every verification failure; switch on `code`, never on the message. */
export class TesseraError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: TesseraErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }
}

export class JwtMalformed extends TesseraError {
  constructor(message = 'token is malformed', options?: TesseraErrorOptions) {
    super('ERR_JWT_MALFORMED', message, options);
  }
}

export class JwtTooLarge extends TesseraError {
  constructor(message = 'token exceeds the maximum length', options?: TesseraErrorOptions) {
    super('ERR_JWT_TOO_LARGE', message, options);
  }
}

export class JoseAlgNotAllowed extends TesseraError {
  constructor(message = 'algorithm not allowed', options?: TesseraErrorOptions) {
    super('ERR_JOSE_ALG_NOT_ALLOWED', message, options);
  }
}

export class JoseHeaderInvalid extends TesseraError {
  constructor(message = 'protected header is invalid', options?: TesseraErrorOptions) {
    super('ERR_JOSE_HEADER_INVALID', message, options);
  }
}

export class JwksNoMatchingKey extends TesseraError {
  constructor(message = 'no key matches the token', options?: TesseraErrorOptions) {
    super('ERR_JWKS_NO_MATCHING_KEY', message, options);
  }
}

export class JwsSignatureInvalid extends TesseraError {
  constructor(message = 'signature verification failed', options?: TesseraErrorOptions) {
    super('ERR_JWS_SIGNATURE_INVALID', message, options);
  }
}

/** `claim` is 'exp', or 'iat' when `maxAge` is exceeded. */
export class JwtExpired extends TesseraError {
  readonly claim: string;
  readonly reason = 'mismatch' as const;

  constructor(claim: string, message = 'token has expired', options?: TesseraErrorOptions) {
    super('ERR_JWT_EXPIRED', message, options);
    this.claim = claim;
  }
}

/** `claim` is 'nbf', or 'iat' when the token claims to be issued in the future. */
export class JwtNotYetValid extends TesseraError {
  readonly claim: string;
  readonly reason = 'mismatch' as const;

  constructor(claim: string, message = 'token is not yet valid', options?: TesseraErrorOptions) {
    super('ERR_JWT_NOT_YET_VALID', message, options);
    this.claim = claim;
  }
}

export class JwtClaimInvalid extends TesseraError {
  readonly claim: string;
  readonly reason: ClaimReason;

  constructor(claim: string, reason: ClaimReason, message?: string, options?: TesseraErrorOptions) {
    super('ERR_JWT_CLAIM_INVALID', message ?? claimMessage(reason), options);
    this.claim = claim;
    this.reason = reason;
  }
}

export class JwtRevoked extends TesseraError {
  constructor(message = 'token has been revoked', options?: TesseraErrorOptions) {
    super('ERR_JWT_REVOKED', message, options);
  }
}

function claimMessage(reason: ClaimReason): string {
  if (reason === 'missing') return 'a required claim is missing';
  if (reason === 'invalid') return 'a claim has an invalid type or value';
  return 'a claim does not have the expected value';
}

/** True for any TesseraError (also across duplicated module copies, by shape). */
export function isTesseraError(value: unknown): value is TesseraError {
  if (value instanceof TesseraError) return true;
  const code = value instanceof Error ? (value as { code?: unknown }).code : undefined;
  return typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code);
}
