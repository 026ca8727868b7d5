// OAuth client credentials. Secrets are 256 random bits, shown once and stored as SHA-256 (a
// slow hash adds nothing for a secret nobody can guess); comparison is constant-time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ClientAuthMethod, ClientRecord, ClientStore } from '../stores/types.js';

/**
 * Scopes the auth server itself understands. Clients may hold any other scope string too
 * (free-form, for the application's APIs).
 */
export const CLIENT_SCOPES = ['revocations:read', 'introspect', 'revoke'] as const;
export type ClientScope = (typeof CLIENT_SCOPES)[number];

export function newClientId(): string {
  return `c_${randomBytes(12).toString('base64url')}`;
}

export function newClientSecret(): string {
  return `tcs_${randomBytes(32).toString('base64url')}`;
}

export function hashClientSecret(secret: string): string {
  return `sha256:${createHash('sha256').update(secret, 'utf8').digest('base64url')}`;
}

// Compared when the client is unknown, so unknown and wrong secrets cost the same.
const DUMMY_HASH = hashClientSecret(newClientSecret());

/** Constant-time check of a presented secret against a stored hash. */
export function verifyClientSecret(storedHash: string | undefined, presented: string): boolean {
  const expected = Buffer.from(storedHash ?? DUMMY_HASH, 'utf8');
  const actual = Buffer.from(hashClientSecret(presented), 'utf8');
  const same = expected.length === actual.length && timingSafeEqual(expected, actual);
  return same && storedHash !== undefined;
}

export interface NewClient {
  name: string;
  scopes: string[];
  audiences: string[];
  grantTypes?: string[] | undefined;
  authMethod?: ClientAuthMethod | undefined;
  jwks?: string | null | undefined;
  jwksUri?: string | null | undefined;
}

/** Creates a client; the plain secret is returned once and never stored (none for private_key_jwt). */
export async function createClient(
  clients: ClientStore,
  input: NewClient,
  now: number,
): Promise<{ client: ClientRecord; secret: string | undefined }> {
  const authMethod = input.authMethod ?? 'client_secret_basic';
  const secret = authMethod === 'private_key_jwt' ? undefined : newClientSecret();
  const client = await clients.create({
    id: newClientId(),
    name: input.name,
    secretHash: secret === undefined ? '' : hashClientSecret(secret),
    scopes: [...new Set(input.scopes)],
    audiences: [...new Set(input.audiences)],
    createdAt: now,
    disabled: false,
    grantTypes: [...new Set(input.grantTypes ?? ['client_credentials'])],
    authMethod,
    jwks: input.jwks ?? null,
    jwksUri: input.jwksUri ?? null,
  });
  return { client, secret };
}

/** The public view of a client (never the hash). */
export function describeClient(c: ClientRecord) {
  return {
    client_id: c.id,
    name: c.name,
    scopes: c.scopes,
    audiences: c.audiences,
    grant_types: c.grantTypes ?? ['client_credentials'],
    token_endpoint_auth_method: c.authMethod ?? 'client_secret_basic',
    ...(c.jwksUri ? { jwks_uri: c.jwksUri } : {}),
    ...(c.jwks ? { jwks: JSON.parse(c.jwks) as unknown } : {}),
    disabled: c.disabled,
    created_at: new Date(c.createdAt).toISOString(),
  };
}
