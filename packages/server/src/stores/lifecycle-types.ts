// Storage for the account lifecycle (migration 004): one-time mail tokens, erasure, export and the
// bulk operations of `tessera users import`. Kept apart from UserStore so the everyday user
// operations stay small; the SQL implementation is stores/sql/lifecycle-store.ts.
import type { AuditRecord, SessionRecord, UserRecord } from './types.js';

export const MAIL_TOKEN_KINDS = ['verify_email', 'reset_password', 'change_email'] as const;
export type MailTokenKind = (typeof MAIL_TOKEN_KINDS)[number];

/** A token sent by mail. Only `hash` (SHA-256 of the token, base64url) is stored. */
export interface MailTokenRecord {
  hash: string;
  userId: string;
  kind: MailTokenKind;
  /** The address the mail went to (for change_email: the new address). */
  email: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

export interface UserExport {
  user: UserRecord;
  sessions: SessionRecord[];
  audit: AuditRecord[];
  mailTokens: Array<Pick<MailTokenRecord, 'kind' | 'email' | 'createdAt' | 'expiresAt' | 'usedAt'>>;
}

export interface LifecycleStore {
  /**
   * Stores a new token and deletes every other token of the same user and kind, in one
   * transaction: only the newest link of a kind works.
   */
  issueMailToken(token: Omit<MailTokenRecord, 'usedAt'>): Promise<void>;
  /** Reads a token without spending it (to check a new password before the token is used). */
  findMailToken(hash: string): Promise<MailTokenRecord | undefined>;
  /**
   * Spends the token atomically: only if it exists, is of `kind`, is unused and unexpired at `now`.
   * Two concurrent calls never both get it. Returns the token, or undefined.
   */
  consumeMailToken(hash: string, kind: MailTokenKind, now: number): Promise<MailTokenRecord | undefined>;
  /** Deletes every token of the user of `kind` (all kinds when omitted); returns how many. */
  deleteMailTokens(userId: string, kind?: MailTokenKind): Promise<number>;
  /** Housekeeping: drops expired and used tokens. */
  deleteExpiredMailTokens(now: number): Promise<number>;
  /**
   * Erasure: deletes the user's refresh tokens, sessions, mail tokens and the user row (tables of
   * other features cascade from users), and strips the audit rows about the user down to the id
   * (ip, session and details cleared). Returns false when no such user. One transaction.
   */
  eraseUser(id: string): Promise<boolean>;
  /** Everything stored about the user (GET /v1/me/export), or undefined. */
  exportUser(id: string): Promise<UserExport | undefined>;
  /** Import: the existing users holding any of these emails or ids. */
  findUsers(emails: readonly string[], ids: readonly string[]): Promise<UserRecord[]>;
  /** Import: inserts users as given (ids, hashes, verification kept), in one transaction. */
  insertUsers(users: readonly UserRecord[]): Promise<void>;
}
