// Hono 4 middleware: `c.get('auth')` holds the verified caller. Only Hono's types are imported.
import type { MiddlewareHandler } from 'hono';
import type { AuthInfo } from '../auth-info.js';
import {
  type AccessRules,
  type AuthOptions,
  authenticateAsync,
  checkAccess,
  type Denial,
  missingToken,
  type TokenVerifier,
} from '../authenticate.js';
import { assertStepUpRules, type StepUpRules } from '../step-up.js';

declare module 'hono' {
  interface ContextVariableMap {
    auth: AuthInfo | null;
  }
}

/** For `new Hono<TesseraEnv>()` when you prefer explicit generics to the global augmentation. */
export type TesseraEnv = { Variables: { auth: AuthInfo | null } };

export interface HonoAuth extends MiddlewareHandler {
  requireRoles(...roles: string[]): MiddlewareHandler;
  requireScopes(...scopes: string[]): MiddlewareHandler;
  /** RFC 9470 step-up: 401 insufficient_user_authentication unless `amr`/`auth_time` satisfy `rules`. */
  requireAuthentication(rules: StepUpRules): MiddlewareHandler;
}

function send(denial: Denial): Response {
  const headers = new Headers({ ...denial.headers, 'cache-control': 'no-store' });
  headers.set('content-type', 'application/json; charset=utf-8');
  return new Response(JSON.stringify(denial.body), { status: denial.status, headers });
}

export function tesseraHono(verifier: TokenVerifier, options: AuthOptions = {}): HonoAuth {
  const middleware: MiddlewareHandler = async function tessera(c, next) {
    const outcome = await authenticateAsync(
      { authorization: c.req.header('authorization'), cookie: c.req.header('cookie'), url: c.req.url },
      verifier,
      options,
    );
    if (!outcome.ok) return send(outcome.denial);
    c.set('auth', outcome.auth);
    await next();
  };
  const guard =
    (rules: AccessRules): MiddlewareHandler =>
    async (c, next) => {
      const auth = c.get('auth') as AuthInfo | null | undefined;
      const denied = auth ? checkAccess(auth, rules, options.realm) : missingToken(options.realm);
      if (denied) return send(denied);
      await next();
    };
  const auth = middleware as HonoAuth;
  auth.requireRoles = (...roles) => guard({ requireRoles: roles });
  auth.requireScopes = (...scopes) => guard({ requireScopes: scopes });
  auth.requireAuthentication = (rules) => {
    assertStepUpRules(rules, 'requireAuthentication');
    return guard(rules);
  };
  return auth;
}
