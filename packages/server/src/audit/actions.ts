// Every audit event name (every security event goes to the audit log).
import type { AuditEvent } from '../services/types.js';

export const AUDIT_EVENTS = [
  'user_registered',
  'login_succeeded',
  'login_failed',
  'refresh_succeeded',
  'refresh_reuse_detected',
  'refresh_grace_used',
  'logout',
  'logout_all',
  'session_revoked',
  'token_revoked',
  'key_created',
  'key_rotated',
  'key_revoked',
  'user_created',
  'user_changed',
  'password_changed',
  'rate_limited',
  'client_token_issued',
  'mfa_factor_added',
  'mfa_factor_removed',
  'mfa_failed',
  'mfa_factors_reset',
  'recovery_codes_generated',
  'recovery_code_used',
  'step_up',
  'client_created',
  'client_changed',
  'client_deleted',
  'token_exchanged',
  'email_verified',
  'password_reset_requested',
  'password_reset',
  'email_change_requested',
  'email_changed',
  'user_erased',
  'users_imported',
] as const satisfies readonly AuditEvent[];

// Compile-time check that the list above names every AuditEvent (and nothing else).
type Missing = Exclude<AuditEvent, (typeof AUDIT_EVENTS)[number]>;
const complete: Missing extends never ? true : never = true;
void complete;

const known = new Set<string>(AUDIT_EVENTS);

export function isAuditEvent(value: string): value is AuditEvent {
  return known.has(value);
}
