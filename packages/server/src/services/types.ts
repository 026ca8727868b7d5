// Service interfaces that routes use. Each is built once at boot by `createContext(config)`
// and handed to the routes, so the routes never know which storage or fan-out is underneath.
import type { JwsHeader, JwtPayload, TesseraKey } from '@tessera/core';
import type { RotationPolicy } from '../keys/rotation-policy.js';
import type { CounterState, InlineCounter, RevocationRecord } from '../stores/types.js';

/** One key as the admin API and the CLI see it (no private material). */
export interface KeyDescription {
  kid: string;
  alg: string;
  state: string;
  createdAt: number;
  activatedAt: number | null;
  retiringAt: number | null;
  retiredAt: number | null;
}

export interface VerifiedAccessToken {
  header: JwsHeader;
  payload: JwtPayload;
}

/**
 * Signing, verification, rotation and state of this server's keys: the stored rotating keyring
 * (keys/key-service.ts) or the single HS secret (keys/hs-key-service.ts). Every caller uses this one
 * interface; the fan-out listens to `onRotated` instead of wrapping it.
 */
export interface KeyService {
  readonly algorithm: TesseraKey['alg'];
  /** Loads the keyring (creating the first key if there is none) and starts the rotation timer. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Signs an access token with the active key: adds iss, aud (unless given), iat, exp, jti. */
  signAccessToken(
    claims: Record<string, unknown>,
    opts?: { ttl?: number; audience?: string | string[] },
  ): string;
  /**
   * Verifies an access token issued here (algorithm, iss, exp, deny-list, and the server's own
   * audience unless `anyAudience`, which introspection and revocation of service tokens use).
   * Throws TesseraError.
   */
  verifyAccessToken(token: string, opts?: { anyAudience?: boolean }): VerifiedAccessToken;
  /** The public JWKS (next, active, retiring keys). */
  jwks(): { keys: JsonWebKey[] };
  /** Seconds a JWKS response may be cached (matches the rotation schedule). */
  jwksMaxAge(): number;
  /**
   * Emergency/manual rotation: a new key signs from now on; returns the new kid. `replace` names the
   * key to rotate away from (default: the key this instance signs with), which makes the call
   * idempotent: if that key is no longer active, whoever replaced it made the key that is returned.
   * Throws KeyRotationUnsupportedError for HS algorithms.
   */
  rotateNow(actor: string | null, opts?: { replace?: string }): Promise<string>;
  /**
   * Kills a (leaked) key at once: it leaves the JWKS and this instance's verifiers; if it was the
   * active signer, a new active key is made first. Audited as `key_revoked`. The kid's deny-list
   * entry is the caller's (keys/revoke-key.ts). Throws DomainError not_found for an unknown kid,
   * KeyRotationUnsupportedError for HS algorithms.
   */
  revokeKey(
    kid: string,
    actor: string | null,
  ): Promise<{ kid: string; previousState: string; activeKid: string; alreadyRevoked: boolean }>;
  /** Re-reads the keyring from storage (other instances rotate too). */
  reload(): Promise<void>;
  /** Every key with its state and times. */
  list(): Promise<KeyDescription[]>;
  /** The kid this instance signs with. */
  activeKid(): string | undefined;
  /** Seconds since the signing key was activated (the key-age metric). */
  keyAgeSeconds(): number;
  /** The rotation timeline; undefined for HS (no rotation). */
  policy(): RotationPolicy | undefined;
  /** Called after this instance rotated (manual rotation); returns an unsubscribe function. */
  onRotated(listener: (kid: string) => void): () => void;
}

/** Where a revocation entry came from: this instance (`local`) or the store (`remote`). */
export type RevocationOrigin = 'local' | 'remote';

/**
 * The deny-list of access tokens, kept in memory (@tessera/verify's RevocationStore) and fed by the
 * store and other instances. The expiry of each entry is computed here, once: a `jti` entry lives
 * as long as its token, a `sid` or `sub` entry as long as any token issued until now can.
 */
export interface RevocationService {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** One access token; `tokenExp` is that token's own `exp` (seconds). */
  revokeToken(jti: string, tokenExp: number): Promise<void>;
  /** Every access token of a session. */
  revokeSession(sid: string): Promise<void>;
  /** Every access token of a user issued before `iatBefore` (seconds). */
  revokeUser(sub: string, iatBefore: number): Promise<void>;
  /** Every token signed with the key `kid` (a revoked signing key). */
  revokeKey(kid: string): Promise<void>;
  /** Synchronous, O(1): used on every authenticated request; `header` for `kid` entries. */
  isRevoked(payload: JwtPayload, header?: JwsHeader): boolean;
  /** For the feed. */
  since(cursor: number, limit: number): Promise<{ cursor: number; revocations: RevocationRecord[] }>;
  /** Every entry, local or remote; returns an unsubscribe function. */
  subscribe(listener: (entry: RevocationRecord, origin: RevocationOrigin) => void): () => void;
}

export type AuditEvent =
  | 'user_registered'
  | 'login_succeeded'
  | 'login_failed'
  | 'refresh_succeeded'
  | 'refresh_reuse_detected'
  | 'refresh_grace_used'
  | 'logout'
  | 'logout_all'
  | 'session_revoked'
  | 'token_revoked'
  | 'key_created'
  | 'key_rotated'
  | 'key_revoked'
  | 'user_created'
  | 'user_changed'
  | 'password_changed'
  | 'rate_limited'
  | 'client_token_issued'
  | 'mfa_factor_added'
  | 'mfa_factor_removed'
  | 'mfa_failed'
  | 'mfa_factors_reset'
  | 'recovery_codes_generated'
  | 'recovery_code_used'
  | 'step_up'
  | 'client_created'
  | 'client_changed'
  | 'client_deleted'
  | 'token_exchanged'
  // account lifecycle (accounts/lifecycle/)
  | 'email_verified'
  | 'password_reset_requested'
  | 'password_reset'
  | 'email_change_requested'
  | 'email_changed'
  | 'user_erased'
  | 'users_imported';

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

/** The login and refresh rate limits (ratelimit/rate-limits.ts). */
export interface RateLimits {
  /** Counts a login attempt from this IP. */
  loginIp(ip: string): Promise<LimitResult>;
  /**
   * Takes one attempt from the account's budget BEFORE the password is checked (unknown emails
   * too), atomically on every backend: parallel guesses cannot all pass a check made before any
   * of them is counted. Refused once the budget is spent.
   */
  loginAccountAttempt(email: string): Promise<LimitResult>;
  /** Gives back an attempt that turned out to be the right password. */
  loginAccountRefund(email: string): Promise<void>;
  /** Clears the account's failures after a successful login. */
  loginAccountReset(email: string): Promise<void>;
  refreshIp(ip: string): Promise<LimitResult>;
  /**
   * The refresh limit as a counter the rotation's own statement can take: on PostgreSQL counters
   * without Redis, one round trip instead of two. Undefined when the counters live elsewhere or
   * this address holds leased points: call `refreshIp` first then. `settle` turns the statement's
   * count into the result, remembers it, and meters and audits a refusal as `refreshIp` would.
   */
  refreshIpInline?(ip: string): InlineRefreshLimit | undefined;
}

export interface InlineRefreshLimit {
  counter: InlineCounter;
  settle(state: CounterState): LimitResult;
}
