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
 */
export function checkClaims(payload: Record<string, unknown>, policy: ClaimsPolicy, now: number): number {
  const tol = policy.clockTolerance;
  let expUntil = Number.POSITIVE_INFINITY;

  const exp = payload.exp;
  if (exp === undefined) {
    if (policy.requireExp) throw new JwtClaimInvalid('exp', 'missing', 'exp claim is required');
  } else {
    if (!isNumericDate(exp)) throw new JwtClaimInvalid('exp', 'invalid', 'exp claim must be a number');
    expUntil = exp + tol;
    // Expired when now is at or past exp (RFC 7519 4.1.4: "on or after"), after the tolerance.
    if (now >= expUntil) throw new JwtExpired('exp');
  }

  const nbf = payload.nbf;
  if (nbf !== undefined) {
    if (!isNumericDate(nbf)) throw new JwtClaimInvalid('nbf', 'invalid', 'nbf claim must be a number');
    if (nbf > now + tol) throw new JwtNotYetValid('nbf');
  }

  const iat = payload.iat;
  if (iat !== undefined) {
    if (!isNumericDate(iat)) throw new JwtClaimInvalid('iat', 'invalid', 'iat claim must be a number');
    if (iat > now + tol) throw new JwtNotYetValid('iat', 'token is issued in the future');
  }
  if (policy.maxAge !== undefined) {
    if (iat === undefined) throw new JwtClaimInvalid('iat', 'missing', 'iat claim is required by maxAge');
    if (isTooOld(iat as number, policy, now)) throw new JwtExpired('iat', 'token is older than maxAge');
  }

  if (policy.issuer !== undefined) {
    const iss = payload.iss;
    if (iss === undefined) throw new JwtClaimInvalid('iss', 'missing', 'iss claim is required');
    if (typeof iss !== 'string' || !policy.issuer.has(iss)) {
      throw new JwtClaimInvalid('iss', 'mismatch', 'iss claim is not an accepted issuer');
    }
  }

  if (policy.audience !== undefined) checkAudience(payload.aud, policy.audience);

  // Identity claims the server and the cache key on must be strings when present.
  for (const name of STRING_CLAIMS) {
    const v = payload[name];
    if (v !== undefined && typeof v !== 'string')
      throw new JwtClaimInvalid(name, 'invalid', 'claim must be a string');
  }

  for (const name of policy.requiredClaims) {
    if (payload[name] === undefined) throw new JwtClaimInvalid(name, 'missing');
  }
  return expUntil;
}

/** maxAge: a token exactly maxAge (+ tolerance) old is still valid; one second more is not. */
export function isTooOld(iat: number, policy: ClaimsPolicy, now: number): boolean {
  return policy.maxAge !== undefined && now > iat + policy.maxAge + policy.clockTolerance;
}

const STRING_CLAIMS = ['sub', 'jti', 'sid'] as const;

function checkAudience(aud: unknown, expected: ReadonlySet<string>): void {
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
