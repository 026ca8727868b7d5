// JWT claims policy (RFC 7519 section 4.1, RFC 8725 section 3.10): compiled once per verifier, run
// on every verified payload. Times are NumericDates in seconds; every one must be a finite number.
import { JwtClaimInvalid, JwtExpired, JwtNotYetValid } from '../errors.js';

export interface ClaimsPolicy {
  issuer: ReadonlySet<string> | undefined;
  audience: ReadonlySet<string> | undefined;
  /** Seconds. */
  clockTolerance: number;
  /** Seconds; iat must be within it. */
  maxAge: number | undefined;
  requireExp: boolean;
  requiredClaims: readonly string[];
}

/**
 * Throws the matching TesseraError, or returns the time (seconds) from which `exp` makes the token
 * expired (exp + tolerance; Infinity without exp), which the verified-token cache re-checks.
 * It is the per-claim rules below, in this order; the console's token debugger runs them one by one
 * (through `@tessera/core/rules`) to show every failure, so both always judge alike.
 */
export function checkClaims(payload: Record<string, unknown>, policy: ClaimsPolicy, now: number): number {
  const expUntil = checkExp(payload.exp, policy, now);
  checkNotBefore(payload.nbf, policy, now);
  checkIssuedAt(payload.iat, policy, now);
  checkIssuer(payload.iss, policy);
  if (policy.audience !== undefined) checkAudience(payload.aud, policy.audience);
  checkIdentityClaims(payload);
  checkRequiredClaims(payload, policy);
  return expUntil;
}

/** `exp`: required unless the policy says otherwise; returns exp + tolerance (Infinity without exp). */
export function checkExp(exp: unknown, policy: ClaimsPolicy, now: number): number {
  if (exp === undefined) {
    if (policy.requireExp) throw new JwtClaimInvalid('exp', 'missing', 'exp claim is required');
    return Number.POSITIVE_INFINITY;
  }
  if (!isNumericDate(exp)) throw new JwtClaimInvalid('exp', 'invalid', 'exp claim must be a number');
  const expUntil = exp + policy.clockTolerance;
  // Expired when now is at or past exp (RFC 7519 4.1.4: "on or after"), after the tolerance.
  if (now >= expUntil) throw new JwtExpired('exp');
  return expUntil;
}

/** `nbf`: optional; a token is not valid before it (less the tolerance). */
export function checkNotBefore(nbf: unknown, policy: ClaimsPolicy, now: number): void {
  if (nbf === undefined) return;
  if (!isNumericDate(nbf)) throw new JwtClaimInvalid('nbf', 'invalid', 'nbf claim must be a number');
  if (nbf > now + policy.clockTolerance) throw new JwtNotYetValid('nbf');
}

/** `iat`: optional unless maxAge is set; never in the future beyond the tolerance, never too old. */
export function checkIssuedAt(iat: unknown, policy: ClaimsPolicy, now: number): void {
  if (iat !== undefined) {
    if (!isNumericDate(iat)) throw new JwtClaimInvalid('iat', 'invalid', 'iat claim must be a number');
    if (iat > now + policy.clockTolerance) throw new JwtNotYetValid('iat', 'token is issued in the future');
  }
  if (policy.maxAge !== undefined) {
    if (iat === undefined) throw new JwtClaimInvalid('iat', 'missing', 'iat claim is required by maxAge');
    if (isTooOld(iat as number, policy, now)) throw new JwtExpired('iat', 'token is older than maxAge');
  }
}

/** `iss`: an exact match with one of the accepted issuers, when the policy names any. */
export function checkIssuer(iss: unknown, policy: ClaimsPolicy): void {
  if (policy.issuer === undefined) return;
  if (iss === undefined) throw new JwtClaimInvalid('iss', 'missing', 'iss claim is required');
  if (typeof iss !== 'string' || !policy.issuer.has(iss)) {
    throw new JwtClaimInvalid('iss', 'mismatch', 'iss claim is not an accepted issuer');
  }
}

/** Identity claims the server and the cache key on must be strings when present. */
export function checkIdentityClaims(payload: Record<string, unknown>): void {
  for (const name of STRING_CLAIMS) {
    const v = payload[name];
    if (v !== undefined && typeof v !== 'string')
      throw new JwtClaimInvalid(name, 'invalid', 'claim must be a string');
  }
}

export function checkRequiredClaims(payload: Record<string, unknown>, policy: ClaimsPolicy): void {
  for (const name of policy.requiredClaims) {
    if (payload[name] === undefined) throw new JwtClaimInvalid(name, 'missing');
  }
}

/** maxAge: a token exactly maxAge (+ tolerance) old is still valid; one second more is not. */
export function isTooOld(iat: number, policy: ClaimsPolicy, now: number): boolean {
  return policy.maxAge !== undefined && now > iat + policy.maxAge + policy.clockTolerance;
}

const STRING_CLAIMS = ['sub', 'jti', 'sid'] as const;

/** `aud`: a string or an array of strings containing one of the expected audiences. */
export function checkAudience(aud: unknown, expected: ReadonlySet<string>): void {
  if (aud === undefined) throw new JwtClaimInvalid('aud', 'missing', 'aud claim is required');
  if (typeof aud === 'string') {
    if (expected.has(aud)) return;
  } else if (Array.isArray(aud)) {
    let found = false;
    for (const a of aud) {
      if (typeof a !== 'string') throw new JwtClaimInvalid('aud', 'invalid', 'aud claim must hold strings');
      if (expected.has(a)) found = true;
    }
    if (found) return;
  } else {
    throw new JwtClaimInvalid('aud', 'invalid', 'aud claim must be a string or an array of strings');
  }
  throw new JwtClaimInvalid('aud', 'mismatch', 'aud claim does not contain an accepted audience');
}

export function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
