// Storage interface of second factors (migrations/006-second-factors.ts): factors (TOTP, passkeys),
// recovery codes, single-use challenges, and each session's authentication methods. The atomic
// operations (`useTotpStep`, `useCredential`, `useRecoveryCode`, `consumeChallenge`) are what make a
// code, a counter value or an mfa_token good exactly once, across instances.

export type FactorType = 'totp' | 'webauthn';

export interface FactorRecord {
  id: string;
  userId: string;
  type: FactorType;
  name: string;
  createdAt: number;
  /** Null until a TOTP factor is confirmed by a first code (passkeys are confirmed on creation). */
  confirmedAt: number | null;
  lastUsedAt: number | null;
  /** TOTP: the sealed secret (keys/sealing.ts, bound to the factor id). */
  secretEnc: string | null;
  /** TOTP: the last time step accepted. */
  lastStep: number | null;
  /** WebAuthn: base64url credential id, base64url COSE public key, signature counter. */
  credentialId: string | null;
  publicKey: string | null;
  counter: number | null;
  transports: string[];
  /** WebAuthn: 'singleDevice' (device-bound, amr hwk) or 'multiDevice' (synced, amr swk). */
  deviceType: string | null;
}

export type NewFactor = Omit<FactorRecord, 'lastUsedAt' | 'lastStep'>;

export interface ChallengeRecord {
  /** SHA-256 of the token or challenge (base64url); the plain value is never stored. */
  id: string;
  kind: string;
  userId: string | null;
  data: Record<string, unknown>;
  createdAt: number;
  expiresAt: number;
  consumedAt: number | null;
}

export interface SessionAuth {
  /** RFC 8176 values, e.g. ['pwd', 'otp', 'mfa']. */
  amr: string[];
  /** When the user last proved a factor (ms). */
  authTime: number;
}

export interface MfaStore {
  insertFactor(factor: NewFactor): Promise<FactorRecord>;
  getFactor(id: string): Promise<FactorRecord | undefined>;
  findByCredentialId(credentialId: string): Promise<FactorRecord | undefined>;
  /** Every factor of the user, oldest first (unconfirmed TOTP enrolments included). */
  listFactors(userId: string): Promise<FactorRecord[]>;
  confirmFactor(id: string, at: number): Promise<boolean>;
  deleteFactor(id: string): Promise<boolean>;
  /** Deletes every factor and recovery code of the user; returns how many factors went. */
  deleteAllForUser(userId: string): Promise<number>;
  /** Atomically accepts TOTP `step` only if it is later than the last accepted one. */
  useTotpStep(id: string, step: number, at: number): Promise<boolean>;
  /** Atomically moves the signature counter from `expected` to `next` (false if it moved meanwhile). */
  useCredential(id: string, expected: number, next: number, at: number): Promise<boolean>;

  /** Replaces the user's recovery codes with these hashes (the old ones die). */
  replaceRecoveryCodes(userId: string, hashes: string[], at: number): Promise<void>;
  /** Marks the code used if it is the user's and unused; true when this call used it. */
  useRecoveryCode(userId: string, hash: string, at: number): Promise<boolean>;
  countUnusedRecoveryCodes(userId: string): Promise<number>;

  insertChallenge(challenge: Omit<ChallengeRecord, 'consumedAt'>): Promise<void>;
  /** A live (unconsumed, unexpired) challenge of this kind. */
  getChallenge(id: string, kind: string, now: number): Promise<ChallengeRecord | undefined>;
  /** Atomically consumes a live challenge; undefined if used, expired or unknown. */
  consumeChallenge(id: string, kind: string, now: number): Promise<ChallengeRecord | undefined>;
  deleteExpiredChallenges(now: number): Promise<number>;

  getSessionAuth(sessionId: string): Promise<SessionAuth | undefined>;
  setSessionAuth(sessionId: string, auth: SessionAuth): Promise<void>;
}
