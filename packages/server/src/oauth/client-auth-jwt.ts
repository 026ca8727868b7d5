// The private_key_jwt branch of client authentication: `client_assertion_type` and
// `client_assertion` in the body (RFC 7523 section 2.2). The client is named by the assertion's
// `iss` (and `client_id`, when given, must agree); any failure is the same 401 invalid_client.
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { ApiError } from '../errors.js';
import type { ClientRecord } from '../stores/types.js';
import {
  assertionClientId,
  CLIENT_ASSERTION_TYPE,
  type ClientAssertionVerifier,
  createClientAssertionVerifier,
} from './client-assertion.js';

function invalidClient(): ApiError {
  return new ApiError('invalid_client', { headers: { 'www-authenticate': 'Basic realm="tessera"' } });
}

/** The assertion of the request, undefined when it uses another method; 401 when half-given. */
export function clientAssertionOf(request: FastifyRequest): string | undefined {
  const body = request.body as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') return undefined;
  const type = body.client_assertion_type;
  const assertion = body.client_assertion;
  if (type === undefined && assertion === undefined) return undefined;
  if (type !== CLIENT_ASSERTION_TYPE || typeof assertion !== 'string' || assertion.length > 8192) {
    throw invalidClient();
  }
  return assertion;
}

const verifiers = new WeakMap<AppContext, ClientAssertionVerifier>();

function verifierOf(ctx: AppContext): ClientAssertionVerifier {
  let verifier = verifiers.get(ctx);
  if (!verifier) {
    const issuer = ctx.config.issuer;
    verifier = createClientAssertionVerifier({
      clients: ctx.stores.clients,
      clock: ctx.clock,
      audiences: [
        issuer,
        `${issuer}/v1/oauth/token`,
        `${issuer}/v1/oauth/introspect`,
        `${issuer}/v1/oauth/revoke`,
        `${issuer}/v1/revocations`,
      ],
    });
    verifiers.set(ctx, verifier);
  }
  return verifier;
}

export async function authenticateByAssertion(
  ctx: AppContext,
  request: FastifyRequest,
  assertion: string,
): Promise<ClientRecord> {
  const id = assertionClientId(assertion);
  const named = (request.body as Record<string, unknown>).client_id;
  if (id === undefined || (named !== undefined && named !== id)) throw invalidClient();
  const client = await ctx.stores.clients.get(id);
  if (!client || client.disabled || client.authMethod !== 'private_key_jwt') {
    request.log.info({ client_id: id.slice(0, 40) }, 'client authentication failed');
    throw invalidClient();
  }
  try {
    await verifierOf(ctx).verify(client, assertion);
  } catch (err) {
    request.log.info(
      { client_id: id.slice(0, 40), reason: (err as Error).message },
      'client assertion refused',
    );
    throw invalidClient();
  }
  return client;
}
