// Row ↔ record mapping. The only place that knows about snake_case, JSON text columns, 0/1
// booleans and int8-as-string, so every store reads both dialects the same way.

import type { Selectable } from 'kysely';
import type {
  AuditRecord,
  ClientAuthMethod,
  ClientRecord,
  KeyStateName,
  RefreshTokenRecord,
  RevocationRecord,
  RevocationType,
  SessionRecord,
  StoredKey,
  UserRecord,
} from '../types.js';
import type {
  AuditEventsTable,
  OAuthClientsTable,
  RefreshTokensTable,
  RevocationsTable,
  SessionsTable,
  SigningKeysTable,
  UsersTable,
} from './schema.js';

export function num(value: number | string | bigint): number {
  return typeof value === 'number' ? value : Number(value);
}

export function numOrNull(value: number | string | bigint | null): number | null {
  return value === null ? null : num(value);
}

function bool(value: boolean | number | string): boolean {
  return value === true || value === 1 || value === '1' || value === 't';
}

export function parseStringArray(text: string): string[] {
  const parsed: unknown = JSON.parse(text);
  return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
}

export function toUser(row: Selectable<UsersTable>): UserRecord {
  return {
    id: row.id,
    email: row.email,
    passwordHash: row.password_hash,
    roles: parseStringArray(row.roles),
    disabled: bool(row.disabled),
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
    passwordChangedAt: num(row.password_changed_at),
    claims: parseObject(row.claims),
    emailVerifiedAt: numOrNull(row.email_verified_at ?? null),
  };
}

function parseObject(text: string | null | undefined): Record<string, unknown> {
  if (!text) return {};
  const parsed: unknown = JSON.parse(text);
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : {};
}

export function toSession(row: Selectable<SessionsTable>): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    device: row.device,
    userAgent: row.user_agent,
    ip: row.ip,
    createdAt: num(row.created_at),
    lastUsedAt: num(row.last_used_at),
    expiresAt: num(row.expires_at),
    revokedAt: numOrNull(row.revoked_at),
    revokedReason: row.revoked_reason,
  };
}

export function toRefreshToken(row: Selectable<RefreshTokensTable>): RefreshTokenRecord {
  return {
    hash: row.hash,
    sessionId: row.session_id,
    userId: row.user_id,
    createdAt: num(row.created_at),
    expiresAt: num(row.expires_at),
    spentAt: numOrNull(row.spent_at),
    successorHash: row.successor_hash,
  };
}

export function toStoredKey(row: Selectable<SigningKeysTable>): StoredKey {
  return {
    kid: row.kid,
    alg: row.alg,
    state: row.state as KeyStateName,
    publicJwk: row.public_jwk,
    privateKeyEnc: row.private_key_enc,
    createdAt: num(row.created_at),
    activatedAt: numOrNull(row.activated_at),
    retiringAt: numOrNull(row.retiring_at),
    retiredAt: numOrNull(row.retired_at),
  };
}

export function toRevocation(row: Selectable<RevocationsTable>): RevocationRecord {
  return {
    cursor: num(row.id),
    type: row.type as RevocationType,
    value: row.value,
    iatBefore: numOrNull(row.iat_before),
    exp: num(row.exp),
    createdAt: num(row.created_at),
  };
}

export function toAudit(row: Selectable<AuditEventsTable>): AuditRecord {
  const details: unknown = JSON.parse(row.details);
  return {
    id: num(row.id),
    at: num(row.at),
    event: row.event,
    sub: row.sub,
    actor: row.actor,
    ip: row.ip,
    sessionId: row.session_id,
    details: details !== null && typeof details === 'object' ? (details as Record<string, unknown>) : {},
  };
}

export function toClient(row: Selectable<OAuthClientsTable>): ClientRecord {
  return {
    id: row.id,
    name: row.name,
    secretHash: row.secret_hash,
    scopes: parseStringArray(row.scopes),
    audiences: parseStringArray(row.audiences),
    createdAt: num(row.created_at),
    disabled: bool(row.disabled),
    grantTypes: parseStringArray(row.grant_types ?? '["client_credentials"]'),
    authMethod: (row.auth_method ?? 'client_secret_basic') as ClientAuthMethod,
    jwks: row.jwks ?? null,
    jwksUri: row.jwks_uri ?? null,
  };
}
