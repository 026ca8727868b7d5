// OAuth client credentials. Secrets are 256 random bits, shown once and stored as SHA-256 (a
// slow hash adds nothing for a secret nobody can guess); comparison is constant-time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ClientRecord, ClientStore } from '../stores/types.js';

/** Scopes a client may hold. */
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
}

/** Creates a client; the plain secret is returned once and never stored. */
export async function createClient(
  clients: ClientStore,
  input: NewClient,
  now: number,
): Promise<{ client: ClientRecord; secret: string }> {
  const secret = newClientSecret();
  const client = await clients.create({
    id: newClientId(),
    name: input.name,
    secretHash: hashClientSecret(secret),
    scopes: [...new Set(input.scopes)],
    audiences: [...new Set(input.audiences)],
    createdAt: now,
    disabled: false,
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
    disabled: c.disabled,
    created_at: new Date(c.createdAt).toISOString(),
  };
}
