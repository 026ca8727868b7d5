// Opaque single-use tokens and challenges: 256 random bits handed to the client, only their SHA-256
// stored (mfa_challenges). An mfa_token lives five minutes and is consumed by the step it unlocks.
import { createHash, randomBytes } from 'node:crypto';

export const MFA_TOKEN_TTL_MS = 5 * 60_000;
/** Enrolment (TESSERA_MFA_REQUIRED_ROLES) takes longer: scanning a QR code, finding a key. */
export const ENROLMENT_TOKEN_TTL_MS = 15 * 60_000;
export const WEBAUTHN_CHALLENGE_TTL_MS = 5 * 60_000;

export type ChallengeKind = 'mfa_login' | 'mfa_enrol' | 'webauthn_register' | 'webauthn_auth';

export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

export function challengeId(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** Cheap shape check before any lookup (43 base64url characters). */
export function isOpaqueTokenShape(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}
