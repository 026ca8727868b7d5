// RFC 9470 (OAuth step-up): when an action needs a recent second factor, the server answers 401
// with `WWW-Authenticate: Bearer error="insufficient_user_authentication"` and `max_age`, and the
// client re-proves a factor at POST /v1/auth/step-up, then retries with the fresh token.
import type { JwtPayload } from '@tessera/core';
import { DomainError } from '../services/domain-error.js';

/** How recent a second-factor check must be for sensitive factor changes (seconds). */
export const FRESH_MFA_MAX_AGE_SECONDS = 300;

export function insufficientUserAuthentication(maxAgeSeconds: number, description: string): DomainError {
  return new DomainError({
    code: 'insufficient_user_authentication',
    maxAge: maxAgeSeconds,
    message: description,
  });
}

/** Throws the RFC 9470 challenge unless the token proves a second factor within `maxAge`. */
export function requireFreshMfa(
  payload: JwtPayload,
  nowMs: number,
  maxAge = FRESH_MFA_MAX_AGE_SECONDS,
): void {
  const amr = Array.isArray(payload.amr) ? payload.amr : [];
  const authTime = typeof payload.auth_time === 'number' ? payload.auth_time : 0;
  if (!amr.includes('mfa') || nowMs / 1000 - authTime > maxAge) {
    throw insufficientUserAuthentication(maxAge, 'Confirm a second factor at /v1/auth/step-up first');
  }
}
