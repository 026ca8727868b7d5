// Express 4 and 5 middleware. Typed with node:http types only (Express's req/res extend them), so
// this file needs no Express at run time or compile time. Errors never reach `next(err)`: Express 4
// would not catch a rejected promise, and a refusal is an answer, not an error.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthInfo } from '../auth-info.js';
import {
  type AccessRules,
  type AuthOptions,
  type AuthOutcome,
  accessDenialCode,
  authenticateRequest,
  checkAccess,
  type Denial,
  missingToken,
  type TokenVerifier,
} from '../authenticate.js';
import { assertStepUpRules, type StepUpRules } from '../step-up.js';
import { nodeRequestParts, sendDenial } from './node-http.js';

declare global {
  namespace Express {
    interface Request {
      /** Set by tesseraExpress: the verified caller, or null on an `optional` route without a token. */
      auth?: AuthInfo | null;
    }
  }
}

type Req = IncomingMessage & { auth?: AuthInfo | null };
type Res = ServerResponse & { headersSent: boolean };
type Next = (err?: unknown) => void;
export type ExpressMiddleware = (req: Req, res: Res, next: Next) => void;

export interface ExpressAuth extends ExpressMiddleware {
  /** Route middleware: 403 unless `req.auth` has every role. */
  requireRoles(...roles: string[]): ExpressMiddleware;
  /** Route middleware: 403 unless `req.auth` has every scope. */
  requireScopes(...scopes: string[]): ExpressMiddleware;
  /**
   * Route middleware (RFC 9470 step-up): 401 `insufficient_user_authentication` unless the token's
   * `amr` has every value of `requireAmr` and its `auth_time` is at most `maxAuthAge` seconds old.
   */
  requireAuthentication(rules: StepUpRules): ExpressMiddleware;
}

function send(res: Res, denial: Denial): void {
  if (!res.headersSent) sendDenial(res, denial);
}

export function tesseraExpress(verifier: TokenVerifier, options: AuthOptions = {}): ExpressAuth {
  const middleware = function tessera(req: Req, res: Res, next: Next): void {
    const settle = (outcome: AuthOutcome): void => {
      if (!outcome.ok) {
        send(res, outcome.denial);
        return;
      }
      req.auth = outcome.auth;
      next();
    };
    authenticateRequest(nodeRequestParts(req), verifier, options, settle, next);
  } as ExpressAuth;

  const guard = (rules: AccessRules): ExpressMiddleware =>
    function tesseraGuard(req, res, next) {
      const denied = req.auth ? checkAccess(req.auth, rules, options.realm) : missingToken(options.realm);
      if (!denied) return next();
      options.onError?.(undefined, {
        status: denied.status,
        code: accessDenialCode(denied),
      });
      send(res, denied);
    };
  middleware.requireRoles = (...roles) => guard({ requireRoles: roles });
  middleware.requireScopes = (...scopes) => guard({ requireScopes: scopes });
  middleware.requireAuthentication = (rules) => {
    assertStepUpRules(rules, 'requireAuthentication');
    return guard(rules);
  };
  return middleware;
}
