// Storage interfaces. Routes and services depend on these only, so SQLite, PostgreSQL and Redis
// implementations are swappable. Times are milliseconds since the epoch (numbers) everywhere.
// Every method is async even where SQLite is synchronous, so PostgreSQL fits the same shape.
import type { MfaStore, SessionAuth } from '../mfa/mfa-store.js';
import type { LifecycleStore } from './lifecycle-types.js';

export interface UserRecord {
  id: string; // short random id, e.g. "u_" + 16 base64url chars; the `sub` of its tokens
  email: string; // normalised (trimmed, lower-cased)
  passwordHash: string; // argon2id PHC string
  roles: string[];
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
  passwordChangedAt: number;
  /** Application claims added to every access token of the user (claims/); `{}` when none. */
  claims?: Record<string, unknown>;
  /** When the address was verified (a mail link opened, an admin, an import); null = not verified. */
  emailVerifiedAt?: number | null;
}

export interface UserStore {
  /** Throws `DuplicateEmailError` when the email is taken. */
  create(user: Omit<UserRecord, 'updatedAt' | 'passwordChangedAt'>): Promise<UserRecord>;
  findById(id: string): Promise<UserRecord | undefined>;
  findByEmail(email: string): Promise<UserRecord | undefined>;
  /** Newest first; `after` is the id of the last row of the previous page. */
  list(opts: { limit: number; after?: string }): Promise<UserRecord[]>;
  update(
    id: string,
    patch: Partial<
      Pick<
        UserRecord,
        'roles' | 'disabled' | 'passwordHash' | 'passwordChangedAt' | 'emailVerifiedAt' | 'email' | 'claims'
      >
    > & {
      updatedAt: number;
    },
  ): Promise<UserRecord | undefined>;
  /**
   * `update`, but only while another enabled user holds `role`: the guard of a change that takes the
   * role away (roles changed, account disabled). The check and the write are one atomic step, so two
   * such changes racing each other (on any number of instances) never both pass. 'last_holder' when
   * refused (nothing written), undefined when no such user.
   */
  updateKeepingRole(
    id: string,
    role: string,
    patch: Parameters<UserStore['update']>[1],
  ): Promise<UserRecord | undefined | 'last_holder'>;
  /** Users holding `role`; with `enabledOnly`, disabled accounts are not counted. */
  countWithRole(role: string, opts?: { enabledOnly?: boolean }): Promise<number>;
}

/** A session is one login on one device = one refresh-token family. Its id is the `sid` claim. */
export interface SessionRecord {
  id: string;
  userId: string;
  device: string; // human label parsed from the User-Agent, e.g. "Firefox 120 on macOS"
  userAgent: string; // truncated
  ip: string;
  createdAt: number;
  lastUsedAt: number;
  expiresAt: number; // absolute session lifetime cap
  revokedAt: number | null;
  revokedReason: string | null; // 'logout' | 'logout_all' | 'reuse' | 'admin' | 'password_change' | ...
}

export interface SessionStore {
  create(session: Omit<SessionRecord, 'revokedAt' | 'revokedReason'>): Promise<SessionRecord>;
  get(id: string): Promise<SessionRecord | undefined>;
  /** Live sessions only (not revoked, not expired at `now`), newest first. */
  listActiveByUser(userId: string, now: number): Promise<SessionRecord[]>;
  touch(id: string, at: number, ip: string): Promise<void>;
  /** Returns true when this call revoked it (false if already revoked or unknown). */
  revoke(id: string, at: number, reason: string): Promise<boolean>;
  /** Revokes every live session of the user except `exceptId`; returns the ids it revoked. */
  revokeAllForUser(userId: string, at: number, reason: string, exceptId?: string): Promise<string[]>;
}

/** One refresh token. Only `hash` (SHA-256 of the opaque token, base64url) is stored. */
export interface RefreshTokenRecord {
  hash: string;
  sessionId: string; // the family
  userId: string;
  createdAt: number;
  expiresAt: number;
  spentAt: number | null;
  successorHash: string | null;
}

export type ConsumeResult =
  | { status: 'rotated'; token: RefreshTokenRecord } // this call spent it; successor row inserted
  | { status: 'spent'; token: RefreshTokenRecord } // it was already spent (caller decides: grace or reuse)
  | { status: 'unknown' };

/** One refresh, as the store performs it (RefreshTokenStore.rotate). Times in ms. */
export interface RotationRequest {
  /** Hash of the presented token. */
  hash: string;
  now: number;
  /** Hash of the successor the presented token derives. */
  successorHash: string;
  /** The successor's expiry before the session's cap: now + refresh TTL. */
  successorExpiresAt: number;
  /** The client's address: the session's last IP and the audit entry's. */
  ip: string;
  /**
   * The client's User-Agent (truncated): the session's last one, kept unchanged when omitted. With
   * `ip` it is the fingerprint a reuse-interval hit must match (refresh-service.ts).
   */
  userAgent?: string;
  /**
   * A rate-limit counter to take in the rotation's own statement, before anything else: the
   * rotation happens only while the count stays within `limit.points` (RateLimits.refreshIpInline).
   * Only stores whose rate-limit counters share their database take it (PostgreSQL).
   */
  limit?: InlineCounter;
}

/** A rate-limit counter in the rate-limit table (rate-limiter-flexible's rows), taken inline. */
export interface InlineCounter {
  /** The counter's row key: the limiter's prefix and the client address. */
  key: string;
  /** The limit: at most this many per window. */
  points: number;
  durationMs: number;
  /** The limiters' clock (wall time, ms): the counter's window is measured on it. */
  now: number;
}

/** The counter after an inline take: its count in this window and when the window ends (ms). */
export interface CounterState {
  consumedPoints: number;
  expiresAt: number;
}

export type RotationResult =
  | { status: 'unknown'; counted?: CounterState }
  /** Over the inline limit (RotationRequest.limit): nothing was read or written but the counter. */
  | { status: 'limited'; counted: CounterState }
  | {
      /**
       * rotated: this call spent the token and wrote the successor, the session touch and the
       * `refresh_succeeded` audit entry. not_rotated: nothing was written; the token was already
       * spent, or it, its session or its user is no longer live (the caller tells which).
       */
      status: 'rotated' | 'not_rotated';
      token: RefreshTokenRecord;
      session: SessionRecord;
      user: UserRecord;
      /** The successor's expiry (capped by the session); null when no successor row exists. */
      successorExpiresAt: number | null;
      /** The session's amr/auth_time (null: none recorded); absent when the store did not read them. */
      auth?: SessionAuth | null;
      /** The inline counter after this request (when RotationRequest.limit was given). */
      counted?: CounterState;
    };

export interface RefreshTokenStore {
  /**
   * The refresh hot path in one transaction: reads the token with its session and user (one
   * joined read) and, if the token is unspent and unexpired, its session live and its user
   * enabled, spends it, inserts the successor, touches the session and appends the audit entry.
   * Two concurrent calls never both get 'rotated'.
   */
  rotate(request: RotationRequest): Promise<RotationResult>;
  insert(token: Omit<RefreshTokenRecord, 'spentAt' | 'successorHash'>): Promise<void>;
  get(hash: string): Promise<RefreshTokenRecord | undefined>;
  /**
   * Atomically: if `hash` is unspent, mark it spent at `at` with `successor.hash` and insert the
   * successor row, in one transaction; two concurrent calls never both get 'rotated'.
   */
  consume(
    hash: string,
    at: number,
    successor: Omit<RefreshTokenRecord, 'spentAt' | 'successorHash'>,
  ): Promise<ConsumeResult>;
  /** Deletes (or marks dead) every token of the family; returns how many. */
  revokeFamily(sessionId: string): Promise<number>;
  /** Housekeeping: drop rows past expiry. */
  deleteExpired(now: number): Promise<number>;
}

/** `revoked`: killed by `keys revoke` (a leaked key); never published or used again. */
export type KeyStateName = 'next' | 'active' | 'retiring' | 'retired' | 'revoked';

export interface StoredKey {
  kid: string;
  alg: string;
  state: KeyStateName;
  publicJwk: string; // JSON
  privateKeyEnc: string; // AES-256-GCM sealed private JWK (see keys/sealing), never plain
  createdAt: number;
  activatedAt: number | null;
  retiringAt: number | null;
  retiredAt: number | null;
}

export interface KeyStore {
  list(): Promise<StoredKey[]>;
  insert(key: StoredKey): Promise<void>;
  /** Compare-and-set: only moves `kid` if it is currently in `from`. Returns whether it moved. */
  transition(kid: string, from: KeyStateName, to: KeyStateName, at: number): Promise<boolean>;
  delete(kid: string): Promise<void>;
  /**
   * Compare-and-set of the sealed private key (master-key rewrap): replaces it only if it is still
   * `expected`. Returns whether it did.
   */
  replaceSealed(kid: string, expected: string, next: string): Promise<boolean>;
  /**
   * Runs `fn` while holding the cluster-wide rotation lock (SQLite: a write transaction;
   * PostgreSQL: an advisory lock). Returns undefined if another holder has it and `wait` is false.
   */
  withRotationLock<T>(fn: () => Promise<T>, opts?: { wait?: boolean }): Promise<T | undefined>;
}

/** `kid`: every token signed with a revoked signing key. */
export type RevocationType = 'jti' | 'sid' | 'sub' | 'kid';

export interface RevocationRecord {
  cursor: number; // monotonically increasing, assigned by the store
  type: RevocationType;
  value: string;
  iatBefore: number | null; // seconds; only for 'sub'
  exp: number; // seconds: when the entry stops mattering
  createdAt: number;
}

export interface RevocationStore {
  add(entry: Omit<RevocationRecord, 'cursor' | 'createdAt'>, at: number): Promise<RevocationRecord>;
  /** Entries with cursor > `after`, oldest first, still live at `nowSec`. */
  since(after: number, nowSec: number, limit: number): Promise<RevocationRecord[]>;
  latestCursor(): Promise<number>;
  deleteExpired(nowSec: number): Promise<number>;
}

export interface AuditRecord {
  id: number;
  at: number;
  event: string; // one of AUDIT_EVENTS (audit/actions.ts)
  sub: string | null; // the user concerned
  actor: string | null; // who did it, when not the user (admin id, client id)
  ip: string | null;
  sessionId: string | null;
  details: Record<string, unknown>; // small; never a token, password or secret
}

export interface AuditStore {
  append(entry: Omit<AuditRecord, 'id'>): Promise<void>;
  /** Newest first. `before` is an id for paging. */
  query(filter: {
    event?: string;
    sub?: string;
    since?: number;
    before?: number;
    limit: number;
  }): Promise<AuditRecord[]>;
}

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

export interface ClientRecord {
  id: string; // client_id
  name: string;
  secretHash: string; // SHA-256 of the (high-entropy) client secret; '' for private_key_jwt clients
  scopes: string[]; // free strings, e.g. ["revocations:read", "orders:write"]
  audiences: string[]; // audiences it may request (client_credentials, token exchange)
  createdAt: number;
  disabled: boolean;
  /** Grants it may use; default ["client_credentials"]. */
  grantTypes?: string[];
  /** How it authenticates at the token endpoint; default client_secret_basic (post accepted too). */
  authMethod?: ClientAuthMethod;
  /** private_key_jwt: the registered public JWKS (JSON text) or where to fetch it. */
  jwks?: string | null;
  jwksUri?: string | null;
}

export type ClientPatch = Partial<
  Pick<
    ClientRecord,
    | 'name'
    | 'disabled'
    | 'scopes'
    | 'audiences'
    | 'grantTypes'
    | 'authMethod'
    | 'jwks'
    | 'jwksUri'
    | 'secretHash'
  >
>;

export interface ClientStore {
  create(client: ClientRecord): Promise<ClientRecord>;
  get(id: string): Promise<ClientRecord | undefined>;
  list(): Promise<ClientRecord[]>;
  update(id: string, patch: ClientPatch): Promise<void>;
  /** Returns whether a client was deleted. */
  delete(id: string): Promise<boolean>;
  /**
   * Records a client assertion's `jti` until `expiresAt` (ms); false when it was already recorded
   * and has not expired (a replay). Atomic: two concurrent calls never both get true.
   */
  rememberAssertion(clientId: string, jti: string, expiresAt: number, now: number): Promise<boolean>;
}

/** Everything the app needs from storage. `createStores(config)` builds one. */
export interface Stores {
  readonly kind: 'sqlite' | 'postgres';
  users: UserStore;
  sessions: SessionStore;
  refreshTokens: RefreshTokenStore;
  keys: KeyStore;
  revocations: RevocationStore;
  audit: AuditStore;
  clients: ClientStore;
  /** Second factors, recovery codes, mfa challenges, session amr (mfa/mfa-store.ts). */
  mfa: MfaStore;
  /** Mail tokens, erasure, export and import (stores/account-lifecycle-types.ts). */
  lifecycle: LifecycleStore;
  /** Applies pending migrations; returns the names it applied. */
  migrate(): Promise<string[]>;
  /** Cheap round trip, for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class DuplicateEmailError extends Error {
  constructor() {
    super('email already registered');
    this.name = 'DuplicateEmailError';
  }
}

/**
 * The database cannot be reached or answered too late (connection refused or lost, pool or
 * statement timeout). Thrown by every store method in that case; the server answers 503 and
 * /readyz fails. The message never contains the database URL or credentials.
 */
export class StorageUnavailableError extends Error {
  readonly code = 'ERR_STORAGE_UNAVAILABLE';
  /** Read by the HTTP error handler (like Fastify's own errors): 503 temporarily_unavailable. */
  readonly statusCode = 503;
  constructor(options?: { cause?: unknown }) {
    // Only a driver error code (ECONNREFUSED, 57P01...) is added: never a host, URL or query.
    const code = (options?.cause as { code?: unknown } | undefined)?.code;
    super(
      typeof code === 'string' && /^[A-Z0-9_]{1,32}$/.test(code)
        ? `storage unavailable (${code})`
        : 'storage unavailable',
      options,
    );
    this.name = 'StorageUnavailableError';
  }
}
