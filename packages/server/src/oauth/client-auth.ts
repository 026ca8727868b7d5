// Client authentication for the OAuth endpoints and the revocation feed: HTTP Basic
// (RFC 6749 section 2.3.1: id and secret form-urlencoded, then base64) or client_id and
// client_secret in the body. An admin's bearer token is accepted where the route allows it.
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { ApiError } from '../errors.js';
import { type AuthInfo, serverVerifier, verifyBearer } from '../plugins/authenticate.js';
import type { ClientRecord } from '../stores/types.js';
import { authenticateByAssertion, clientAssertionOf } from './client-auth-jwt.js';
import { verifyClientSecret } from './client-secrets.js';

export type Caller = { kind: 'client'; client: ClientRecord } | { kind: 'admin'; auth: AuthInfo };

export function invalidClient(): ApiError {
  return new ApiError('invalid_client', { headers: { 'www-authenticate': 'Basic realm="tessera"' } });
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/** The credentials in the request, if any: Basic header first, then body parameters. */
export function clientCredentials(request: FastifyRequest): { id: string; secret: string } | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.length < 4096 && /^basic /i.test(header)) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw invalidClient();
    try {
      return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
    } catch {
      throw invalidClient();
    }
  }
  const body = request.body as Record<string, unknown> | undefined;
  if (body && typeof body === 'object' && typeof body.client_id === 'string') {
    if (typeof body.client_secret !== 'string') throw invalidClient();
    return { id: body.client_id, secret: body.client_secret };
  }
  return undefined;
}

/** Authenticates an OAuth client; throws 401 invalid_client. `scope`, if given, must be granted. */
export async function authenticateClient(
  ctx: AppContext,
  request: FastifyRequest,
  scope?: string,
): Promise<ClientRecord> {
  const assertion = clientAssertionOf(request);
  if (assertion !== undefined) {
    const client = await authenticateByAssertion(ctx, request, assertion);
    if (scope !== undefined && !client.scopes.includes(scope)) {
      throw new ApiError('insufficient_scope', { description: `the client lacks the ${scope} scope` });
    }
    return client;
  }
  const creds = clientCredentials(request);
  if (!creds || creds.id.length > 200 || creds.secret.length > 200) throw invalidClient();
  const client = await ctx.stores.clients.get(creds.id);
  const ok = verifyClientSecret(client?.secretHash, creds.secret);
  // A private_key_jwt client has no secret (its hash is empty and never matches).
  if (!ok || !client || client.disabled || client.authMethod === 'private_key_jwt') {
    request.log.info({ client_id: creds.id.slice(0, 40) }, 'client authentication failed');
    throw invalidClient();
  }
  if (scope !== undefined && !client.scopes.includes(scope)) {
    throw new ApiError('insufficient_scope', { description: `the client lacks the ${scope} scope` });
  }
  return client;
}

/** A client with `scope`, or (Bearer) a user with the admin role. */
export async function authenticateClientOrAdmin(
  ctx: AppContext,
  request: FastifyRequest,
  scope: string,
): Promise<Caller> {
  const header = request.headers.authorization;
  if (typeof header === 'string' && /^bearer /i.test(header)) {
    const auth = verifyBearer(serverVerifier(ctx), request);
    if (!auth.roles.includes('admin')) {
      throw new ApiError('insufficient_scope', {
        headers: { 'www-authenticate': 'Bearer error="insufficient_scope"' },
      });
    }
    return { kind: 'admin', auth };
  }
  if (
    header === undefined &&
    clientAssertionOf(request) === undefined &&
    clientCredentials(request) === undefined
  ) {
    throw new ApiError('unauthorized', {
      headers: { 'www-authenticate': 'Basic realm="tessera", Bearer' },
    });
  }
  return { kind: 'client', client: await authenticateClient(ctx, request, scope) };
}
