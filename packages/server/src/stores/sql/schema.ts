// Row shapes of the SQL tables (migrations/001-initial.ts), as Kysely sees them. Column names are
// snake_case; rows.ts maps them to the camelCase records of stores/types.ts. `bigint` columns come
// back as numbers from SQLite and are normalised with Number() on PostgreSQL (see rows.ts).
import type { Generated } from 'kysely';

type Int = number | string; // pg returns int8 as string unless a type parser is installed
type Bool = boolean | number; // SQLite stores 0/1

export interface UsersTable {
  id: string;
  email: string;
  password_hash: string;
  roles: string; // JSON array
  disabled: Bool;
  created_at: Int;
  updated_at: Int;
  password_changed_at: Int;
  claims: string | null; // JSON object (migration 005)
  email_verified_at?: Int | null; // migration 004
}

export interface SessionsTable {
  id: string;
  user_id: string;
  device: string;
  user_agent: string;
  ip: string;
  created_at: Int;
  last_used_at: Int;
  expires_at: Int;
  revoked_at: Int | null;
  revoked_reason: string | null;
}

export interface RefreshTokensTable {
  hash: string;
  session_id: string;
  user_id: string;
  created_at: Int;
  expires_at: Int;
  spent_at: Int | null;
  successor_hash: string | null;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  state: string;
  public_jwk: string;
  private_key_enc: string;
  created_at: Int;
  activated_at: Int | null;
  retiring_at: Int | null;
  retired_at: Int | null;
}

export interface RevocationsTable {
  id: Generated<Int>;
  type: string;
  value: string;
  iat_before: Int | null;
  exp: Int;
  created_at: Int;
}

export interface AuditEventsTable {
  id: Generated<Int>;
  at: Int;
  event: string;
  sub: string | null;
  actor: string | null;
  ip: string | null;
  session_id: string | null;
  details: string; // JSON object
}

export interface OAuthClientsTable {
  id: string;
  name: string;
  secret_hash: string;
  scopes: string; // JSON array
  audiences: string; // JSON array
  created_at: Int;
  disabled: Bool;
  grant_types: string; // JSON array (migration 005)
  auth_method: string;
  jwks: string | null;
  jwks_uri: string | null;
}

export interface ClientAssertionJtisTable {
  client_id: string;
  jti: string;
  expires_at: Int;
}

export interface StoreLocksTable {
  name: string;
  holder: string;
  expires_at: Int;
}

// Second factors (migrations/006-second-factors.ts, mfa/mfa-store.ts).
export interface MfaFactorsTable {
  id: string;
  user_id: string;
  type: string;
  name: string;
  created_at: Int;
  confirmed_at: Int | null;
  last_used_at: Int | null;
  secret_enc: string | null;
  last_step: Int | null;
  credential_id: string | null;
  public_key: string | null;
  counter: Int | null;
  transports: string | null; // JSON array
  device_type: string | null;
}

export interface MfaRecoveryCodesTable {
  code_hash: string;
  user_id: string;
  created_at: Int;
  used_at: Int | null;
}

export interface MfaChallengesTable {
  id: string;
  kind: string;
  user_id: string | null;
  data: string; // JSON object
  created_at: Int;
  expires_at: Int;
  consumed_at: Int | null;
}

export interface SessionAuthTable {
  session_id: string;
  amr: string; // JSON array
  auth_time: Int;
}

/** Migration 004: one-time tokens sent by mail (only their SHA-256 is stored). */
export interface MailTokensTable {
  hash: string;
  user_id: string;
  kind: string;
  email: string;
  created_at: Int;
  expires_at: Int;
  used_at: Int | null;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  refresh_tokens: RefreshTokensTable;
  signing_keys: SigningKeysTable;
  revocations: RevocationsTable;
  audit_events: AuditEventsTable;
  oauth_clients: OAuthClientsTable;
  client_assertion_jtis: ClientAssertionJtisTable;
  store_locks: StoreLocksTable;
  mfa_factors: MfaFactorsTable;
  mfa_recovery_codes: MfaRecoveryCodesTable;
  mfa_challenges: MfaChallengesTable;
  session_auth: SessionAuthTable;
  mail_tokens: MailTokensTable;
}
