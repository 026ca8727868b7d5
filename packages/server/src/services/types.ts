// Service interfaces that routes use. Each is built once at boot by `buildApp(config, deps)`
// and handed to the routes, so the routes never know which storage or fan-out is underneath.
import type { JwsHeader, JwtPayload, TesseraKey } from '@tessera/core';
import type { RevocationRecord } from '../stores/types.js';

/** Signing and verification with the stored keyring (keys/key-service.ts). */
export interface KeyService {
  /** Loads the keyring (creating the first key if there is none) and starts the rotation timer. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Signs an access token with the active key: adds iss, aud (unless given), iat, exp, jti. */
  signAccessToken(
    claims: Record<string, unknown>,
    opts?: { ttl?: number; audience?: string | string[] },
  ): string;
  /** Verifies an access token issued here (algorithms, iss, aud, exp, deny-list); throws TesseraError. */
  verifyAccessToken(token: string): { header: JwsHeader; payload: JwtPayload };
  /** The public JWKS (next, active, retiring keys). */
  jwks(): { keys: JsonWebKey[] };
  /**
   * Emergency/manual rotation: a new key signs from now on; returns the new kid. `replace` names the
   * key to rotate away from (default: the key this instance signs with), which makes the call
   * idempotent: if that key is no longer active, whoever replaced it made the key that is returned.
   */
  rotateNow(actor: string | null, opts?: { replace?: string }): Promise<string>;
  /** Re-reads the keyring from storage (other instances rotate too). */
  reload(): Promise<void>;
  /** For the admin API and the CLI: every key with its state and times (no private material). */
  list(): Promise<
    Array<{
      kid: string;
      alg: string;
      state: string;
      createdAt: number;
      activatedAt: number | null;
      retiringAt: number | null;
      retiredAt: number | null;
    }>
  >;
  /** Seconds a JWKS response may be cached (matches the rotation schedule). */
  jwksMaxAge(): number;
  readonly algorithm: TesseraKey['alg'];
}

/** Deny-list of access tokens, kept in memory and fed by the store and other instances. */
export interface RevocationService {
  start(): Promise<void>;
  stop(): Promise<void>;
  revokeToken(jti: string, exp: number): Promise<void>; // exp: seconds
  revokeSession(sid: string, exp: number): Promise<void>;
  revokeUser(sub: string, iatBefore: number, exp: number): Promise<void>;
  /** Synchronous, O(1): used on every authenticated request. */
  isRevoked(payload: JwtPayload): boolean;
  /** For the feed. */
  since(cursor: number, limit: number): Promise<{ cursor: number; revocations: RevocationRecord[] }>;
  /** Live subscription for the SSE stream; returns an unsubscribe function. */
  subscribe(listener: (entry: RevocationRecord) => void): () => void;
}

export type AuditEvent =
  | 'user_registered'
  | 'login_succeeded'
  | 'login_failed'
  | 'refresh_succeeded'
  | 'refresh_reuse_detected'
  | 'logout'
  | 'logout_all'
  | 'session_revoked'
  | 'token_revoked'
  | 'key_created'
  | 'key_rotated'
  | 'user_created'
  | 'user_changed'
  | 'password_changed'
  | 'rate_limited'
  | 'client_token_issued'
  | 'client_created'
  | 'client_changed'
  | 'client_deleted'
  | 'token_exchanged';

export interface AuditLog {
  record(
    event: AuditEvent,
    fields: {
      sub?: string | null;
      actor?: string | null;
      ip?: string | null;
      sessionId?: string | null;
      details?: Record<string, unknown>;
    },
  ): Promise<void>;
}

export interface LimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window frees a slot (for Retry-After / RateLimit-Reset). */
  resetSeconds: number;
}

/** Rate limits of DESIGN.md section 5/6 (plugins/rate-limit.ts). */
export interface RateLimits {
  /** Counts a login attempt from this IP. */
  loginIp(ip: string): Promise<LimitResult>;
  /** Checks (without counting) whether the account may try again. */
  loginAccountCheck(email: string): Promise<LimitResult>;
  /** Counts a failed login for the account (unknown emails too). */
  loginAccountFailed(email: string): Promise<LimitResult>;
  /** Clears the account's failures after a successful login. */
  loginAccountReset(email: string): Promise<void>;
  refreshIp(ip: string): Promise<LimitResult>;
}
