// Fastify 5 plugin: decorates every request with `auth` (null until the onRequest hook fills it, so
// the request object keeps one shape), refuses unauthenticated requests in the plugin's scope, and
// offers `fastifyRequireRoles` / `fastifyRequireScopes` preHandlers. Only Fastify's types are
// imported; the skip-override symbol that fastify-plugin would set is set by hand.
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthInfo } from '../auth-info.js';
import {
  type AccessRules,
  type AuthOptions,
  type AuthOutcome,
  authenticateRequest,
  checkAccess,
  type Denial,
  missingToken,
  type TokenVerifier,
} from '../authenticate.js';
import { authorizeRequestAsync, type ForwardAuthOptions } from '../forward-auth.js';
import { assertStepUpRules, type StepUpRules } from '../step-up.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller; null on an `optional` scope without a token. */
    auth: AuthInfo | null;
  }
}

export interface TesseraFastifyOptions extends AuthOptions {
  verifier: TokenVerifier;
}

function send(reply: FastifyReply, denial: Denial): FastifyReply {
  return reply
    .code(denial.status)
    .headers({ ...denial.headers, 'cache-control': 'no-store' })
    .send(denial.body);
}

const plugin: FastifyPluginAsync<TesseraFastifyOptions> = async function tesseraFastify(
  fastify: FastifyInstance,
  options: TesseraFastifyOptions,
) {
  const { verifier, ...authOptions } = options;
  if (!verifier) throw new TypeError('options.verifier is required');
  if (!fastify.hasRequestDecorator('auth')) fastify.decorateRequest('auth', null);
  // Callback style with a synchronous fast path: a ready verifier decides without a promise.
  fastify.addHook('onRequest', (request, reply, done) => {
    const parts = {
      authorization: request.headers.authorization,
      cookie: request.headers.cookie,
      url: request.url,
    };
    const settle = (outcome: AuthOutcome): void => {
      if (!outcome.ok) {
        send(reply, outcome.denial);
        return;
      }
      request.auth = outcome.auth;
      done();
    };
    authenticateRequest(parts, verifier, authOptions, settle, (err) => done(err as Error));
  });
};
// Same effect as wrapping with fastify-plugin: the hook applies to the scope that registers us.
(plugin as unknown as Record<symbol, unknown>)[Symbol.for('skip-override')] = true;
(plugin as unknown as Record<symbol, unknown>)[Symbol.for('fastify.display-name')] = '@tessera/verify';
(plugin as unknown as Record<symbol, unknown>)[Symbol.for('plugin-meta')] = {
  fastify: '5.x',
  name: '@tessera/verify',
};

export const tesseraFastify = plugin;

function guard(rules: AccessRules, realm?: string) {
  return async function tesseraGuard(request: FastifyRequest, reply: FastifyReply) {
    const denied = request.auth ? checkAccess(request.auth, rules, realm) : missingToken(realm);
    if (denied) return send(reply, denied);
  };
}

/** preHandler: 403 unless `request.auth` has every role. */
export function fastifyRequireRoles(...roles: string[]) {
  return guard({ requireRoles: roles });
}

/** preHandler: 403 unless `request.auth` has every scope. */
export function fastifyRequireScopes(...scopes: string[]) {
  return guard({ requireScopes: scopes });
}

/**
 * preHandler (RFC 9470 step-up): 401 `insufficient_user_authentication` with `acr_values`/`max_age`
 * unless the token's `amr` has every value of `requireAmr` and `auth_time` is within `maxAuthAge` s.
 */
export function fastifyRequireAuthentication(rules: StepUpRules) {
  assertStepUpRules(rules, 'fastifyRequireAuthentication');
  return guard(rules);
}

/** A route handler for forward-auth (`app.get('/authz', fastifyForwardAuth(verifier))`). */
export function fastifyForwardAuth(verifier: TokenVerifier, options: ForwardAuthOptions = {}) {
  return async function forwardAuth(request: FastifyRequest, reply: FastifyReply) {
    const result = await authorizeRequestAsync(request.headers, verifier, options);
    reply.code(result.status).headers({ ...result.headers, 'cache-control': 'no-store' });
    return reply.send(result.body ?? '');
  };
}
