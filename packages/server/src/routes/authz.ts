// Forward-auth for gateways (nginx auth_request, Traefik forwardAuth, Envoy ext_authz): any
// method on /v1/authz (Envoy appends the original path) with the request's Authorization header.
// 200 with X-Auth-Subject / X-Auth-Roles / X-Auth-Session, 401 with WWW-Authenticate, or 403
// when ?role= names a role the token lacks.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { badRequest, insufficientScope, invalidToken } from '../errors.js';
import { verifyBearer } from '../plugins/authenticate.js';

const ROLE = /^[a-z][a-z0-9_:-]{0,31}$/;
const HEADER_SAFE = /^[\x20-\x7e]{1,512}$/;
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export async function authzRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  async function handler(request: FastifyRequest, reply: FastifyReply) {
    reply.header('cache-control', 'no-store');
    const role = (request.query as Record<string, unknown> | undefined)?.role;
    if (role !== undefined && (typeof role !== 'string' || !ROLE.test(role))) {
      throw badRequest('role must be one role name');
    }
    const auth = verifyBearer(ctx, request);
    if (role !== undefined && !auth.roles.includes(role)) throw insufficientScope(role);
    // Header values must be printable ASCII. A subject that is not cannot be forwarded faithfully
    // (stripping could turn one user into another): refuse it as 401, which gateways pass through,
    // where a 400 would become a 500 at nginx.
    if (!HEADER_SAFE.test(auth.sub)) throw invalidToken();
    reply.header('x-auth-subject', auth.sub);
    reply.header('x-auth-roles', auth.roles.filter((r) => HEADER_SAFE.test(r) && !r.includes(',')).join(','));
    if (auth.sid) reply.header('x-auth-session', auth.sid);
    if (typeof auth.payload.scope === 'string' && HEADER_SAFE.test(auth.payload.scope))
      reply.header('x-auth-scope', auth.payload.scope);
    return reply.code(200).send();
  }
  app.route({ method: [...METHODS], url: '/v1/authz', handler });
  app.route({ method: [...METHODS], url: '/v1/authz/*', handler });
}
