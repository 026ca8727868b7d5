// Forward-auth for gateways (nginx auth_request, Traefik forwardAuth, Envoy ext_authz): any
// method on /v1/authz (Envoy appends the original path) with the request's Authorization header.
// The decision is @tessera/verify's `authorizeRequest` with this server's key service as the
// verifier, so the identity headers (X-Auth-Subject / -Roles / -Session / -Scope) are the ones
// verify's own forward-auth handler sends. 401 with WWW-Authenticate, or 403 when ?role= names a
// role the token lacks.
import { authorizeRequest } from '@tessera/verify';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { ApiError, type ApiErrorCode } from '../errors.js';
import { serverVerifier } from '../plugins/authenticate.js';
import { SECURITY } from '../schemas/security.js';
import { routeSchema } from '../schemas/zod-provider.js';
import { ROLE_PATTERN } from '../services/user-admin.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

const AuthzQuery = z.object({
  role: z
    .string({ error: 'role must be one role name' })
    .regex(ROLE_PATTERN, 'role must be one role name')
    .optional(),
});

export async function authzRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const verifier = serverVerifier(ctx);
  const route = routeSchema(app);
  const schema = {
    summary: 'Forward-auth decision for a gateway',
    security: SECURITY.bearer,
    querystring: AuthzQuery,
    response: { 200: z.undefined().describe('identity in X-Auth-* headers') },
  };
  for (const url of ['/v1/authz', '/v1/authz/*']) {
    route.route({
      method: [...METHODS],
      url,
      schema,
      handler: async (request, reply) => {
        reply.header('cache-control', 'no-store');
        const role = request.query.role;
        const result = authorizeRequest(request.headers, verifier, {
          ...(role === undefined ? {} : { requireRoles: [role] }),
          onError: (_err, info) => {
            if (info.status === 401 && info.code !== 'missing_token')
              request.log.info({ code: info.code }, 'forward-auth refused');
          },
        });
        if (result.status !== 200) {
          const code = (result.body?.error ?? 'invalid_token') as ApiErrorCode;
          throw new ApiError(code, { status: result.status, headers: result.headers });
        }
        return reply.code(200).headers(result.headers).send();
      },
    });
  }
}
