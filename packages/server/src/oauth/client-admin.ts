// Client administration shared by the admin API and the CLI: validation of a client's settings,
// create, change, delete and secret rotation. Disabling or deleting a client cuts its live tokens
// at once: its service tokens carry `sub` = client_id, so one `sub` revocation (published on the
// feed) makes the server, introspection and every @tessera/verify refuse them.
import { z } from 'zod';
import type { Clock } from '../app-context.js';
import { DomainError } from '../services/domain-error.js';
import type { AuditLog, RevocationService } from '../services/types.js';
import type { ClientPatch, ClientRecord, ClientStore } from '../stores/types.js';
import { parseJwks } from './client-assertion.js';
import { createClient, hashClientSecret, newClientSecret } from './client-secrets.js';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const CLIENT_GRANT_TYPES = ['client_credentials', TOKEN_EXCHANGE_GRANT] as const;
export const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const;

// RFC 6749 section 3.3: scope tokens are printable ASCII without space, quote or backslash.
const scopeToken = z
  .string()
  .regex(
    /^[\x21\x23-\x5B\x5D-\x7E]{1,64}$/,
    'scopes are words of printable ASCII (no space, " or \\), at most 64',
  );
const audience = z.string().min(1, 'must not be empty').max(200).regex(/^\S+$/, 'audiences have no spaces');

export const clientSettingsSchema = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(100),
  scopes: z.array(scopeToken).max(32, 'at most 32 scopes').default([]),
  audiences: z.array(audience).max(16, 'at most 16 audiences').default([]),
  grant_types: z
    .array(z.enum(CLIENT_GRANT_TYPES, { error: `grant types are ${CLIENT_GRANT_TYPES.join(', ')}` }))
    .min(1, 'give at least one grant type')
    .default(['client_credentials']),
  token_endpoint_auth_method: z
    .enum(CLIENT_AUTH_METHODS, { error: `methods are ${CLIENT_AUTH_METHODS.join(', ')}` })
    .default('client_secret_basic'),
  jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())).min(1).max(10) }).optional(),
  jwks_uri: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .max(500)
    .optional(),
});
export type ClientSettings = z.output<typeof clientSettingsSchema>;

export const clientPatchSchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    disabled: z.boolean({ error: 'must be a boolean' }).optional(),
    scopes: clientSettingsSchema.shape.scopes.unwrap().optional(),
    audiences: clientSettingsSchema.shape.audiences.unwrap().optional(),
    grant_types: clientSettingsSchema.shape.grant_types.unwrap().optional(),
    jwks: clientSettingsSchema.shape.jwks,
    jwks_uri: clientSettingsSchema.shape.jwks_uri,
  })
  .strict();
export type ClientSettingsPatch = z.output<typeof clientPatchSchema>;

export interface ClientAdminDeps {
  clients: ClientStore;
  revocations: Pick<RevocationService, 'revokeUser'>;
  audit: AuditLog;
  clock: Clock;
}

function badRequest(description: string): DomainError {
  return new DomainError({ code: 'invalid_input', message: description });
}

function notFound(): DomainError {
  return new DomainError({ code: 'not_found', message: 'no such client' });
}

/** A registered JWKS must hold usable public keys (private members are refused outright). */
function jwksText(jwks: { keys: Array<Record<string, unknown>> } | undefined): string | undefined {
  if (jwks === undefined) return undefined;
  if (jwks.keys.some((k) => 'd' in k || 'p' in k || 'k' in k)) {
    throw badRequest('jwks: register public keys only (no private or symmetric key members)');
  }
  const text = JSON.stringify(jwks);
  try {
    parseJwks(text);
  } catch (err) {
    throw badRequest(`jwks: ${(err as Error).message}`);
  }
  return text;
}

/** Creates a client; `secret` is undefined for private_key_jwt clients. */
export async function registerClient(
  deps: ClientAdminDeps,
  settings: ClientSettings,
  actor: string | null,
): Promise<{ client: ClientRecord; secret: string | undefined }> {
  const method = settings.token_endpoint_auth_method;
  const jwks = jwksText(settings.jwks);
  if (method === 'private_key_jwt' && jwks === undefined && settings.jwks_uri === undefined) {
    throw badRequest('private_key_jwt needs the client public keys: jwks or jwks_uri');
  }
  if (method !== 'private_key_jwt' && (jwks !== undefined || settings.jwks_uri !== undefined)) {
    throw badRequest('jwks and jwks_uri are for token_endpoint_auth_method private_key_jwt');
  }
  const created = await createClient(
    deps.clients,
    {
      name: settings.name,
      scopes: settings.scopes,
      audiences: settings.audiences,
      grantTypes: settings.grant_types,
      authMethod: method,
      jwks: jwks ?? null,
      jwksUri: settings.jwks_uri ?? null,
    },
    deps.clock.now(),
  );
  await deps.audit.record('client_created', {
    actor,
    details: { client_id: created.client.id, name: created.client.name, grant_types: settings.grant_types },
  });
  return created;
}

/** Refuses every live token of the client (service tokens have sub = client_id). */
async function revokeClientTokens(deps: ClientAdminDeps, clientId: string): Promise<void> {
  const nowSec = Math.floor(deps.clock.now() / 1000);
  await deps.revocations.revokeUser(clientId, nowSec + 1);
}

export async function changeClient(
  deps: ClientAdminDeps,
  id: string,
  patch: ClientSettingsPatch,
  actor: string | null,
): Promise<ClientRecord> {
  const client = await deps.clients.get(id);
  if (!client) throw notFound();
  const jwks = jwksText(patch.jwks);
  if ((jwks !== undefined || patch.jwks_uri !== undefined) && client.authMethod !== 'private_key_jwt') {
    throw badRequest('jwks and jwks_uri are for token_endpoint_auth_method private_key_jwt');
  }
  const update: ClientPatch = {};
  if (patch.name !== undefined) update.name = patch.name;
  if (patch.disabled !== undefined) update.disabled = patch.disabled;
  if (patch.scopes !== undefined) update.scopes = [...new Set(patch.scopes)];
  if (patch.audiences !== undefined) update.audiences = [...new Set(patch.audiences)];
  if (patch.grant_types !== undefined) update.grantTypes = [...new Set(patch.grant_types)];
  if (jwks !== undefined) update.jwks = jwks;
  if (patch.jwks_uri !== undefined) update.jwksUri = patch.jwks_uri;
  await deps.clients.update(id, update);
  // Taking rights away (disabled, fewer scopes or audiences) cuts the tokens issued under the old ones.
  const narrowed =
    (patch.scopes !== undefined && client.scopes.some((s) => !patch.scopes?.includes(s))) ||
    (patch.audiences !== undefined && client.audiences.some((a) => !patch.audiences?.includes(a)));
  if (patch.disabled === true || narrowed) await revokeClientTokens(deps, id);
  await deps.audit.record('client_changed', {
    actor,
    details: {
      client_id: id,
      changed: Object.keys(patch),
      ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
    },
  });
  const updated = await deps.clients.get(id);
  if (!updated) throw notFound();
  return updated;
}

export async function deleteClient(deps: ClientAdminDeps, id: string, actor: string | null): Promise<void> {
  const client = await deps.clients.get(id);
  if (!client) throw notFound();
  await revokeClientTokens(deps, id);
  await deps.clients.delete(id);
  await deps.audit.record('client_deleted', { actor, details: { client_id: id, name: client.name } });
}

/** A new secret (shown once); the old one stops working at once. */
export async function rotateClientSecret(
  deps: ClientAdminDeps,
  id: string,
  actor: string | null,
): Promise<{ client: ClientRecord; secret: string }> {
  const client = await deps.clients.get(id);
  if (!client) throw notFound();
  if (client.authMethod === 'private_key_jwt') {
    throw badRequest('this client authenticates with private_key_jwt: change its jwks or jwks_uri instead');
  }
  const secret = newClientSecret();
  await deps.clients.update(id, { secretHash: hashClientSecret(secret) });
  await deps.audit.record('client_changed', { actor, details: { client_id: id, changed: ['secret'] } });
  return { client, secret };
}
