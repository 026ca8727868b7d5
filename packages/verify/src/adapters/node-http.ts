// Plain node:http: `authenticate(req)` gives the caller's AuthInfo or the response to send, and
// `withAuth(handler)` wraps a request handler so it only runs for authenticated callers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthInfo } from '../auth-info.js';
import {
  type AccessRules,
  type AuthOptions,
  type AuthOutcome,
  accessDenialCode,
  authenticateAsync,
  checkAccess,
  type Denial,
  missingToken,
  type TokenVerifier,
} from '../authenticate.js';

export type AuthedRequest = IncomingMessage & { auth: AuthInfo | null };
export type AuthedHandler = (req: AuthedRequest, res: ServerResponse) => unknown;

export interface NodeAuth {
  /** `{ ok: true, auth }` or `{ ok: false, denial }` (status, headers, body) to send with `sendDenial`. */
  authenticate(req: IncomingMessage): Promise<AuthOutcome>;
  /** Runs `handler` with `req.auth` set, or answers 400/401/403/503 itself. */
  withAuth(handler: AuthedHandler, rules?: AccessRules): (req: IncomingMessage, res: ServerResponse) => void;
}

/** Request parts for extraction, from a node request. */
export function nodeRequestParts(req: IncomingMessage) {
  return { authorization: req.headers.authorization, cookie: req.headers.cookie, url: req.url };
}

export function sendDenial(res: ServerResponse, denial: Denial): void {
  const body = JSON.stringify(denial.body);
  res.writeHead(denial.status, {
    ...denial.headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-store',
  });
  res.end(body);
}

export function createNodeAuth(verifier: TokenVerifier, options: AuthOptions = {}): NodeAuth {
  const authenticate = (req: IncomingMessage) => authenticateAsync(nodeRequestParts(req), verifier, options);
  return {
    authenticate,
    withAuth(handler, rules) {
      return function authed(req, res) {
        authenticate(req).then(
          (outcome) => {
            if (!outcome.ok) return sendDenial(res, outcome.denial);
            if (rules) {
              const denied = outcome.auth
                ? checkAccess(outcome.auth, rules, options.realm)
                : missingToken(options.realm);
              if (denied) {
                options.onError?.(undefined, {
                  status: denied.status,
                  code: accessDenialCode(denied),
                });
                return sendDenial(res, denied);
              }
            }
            const authed = req as AuthedRequest;
            authed.auth = outcome.auth;
            return handler(authed, res);
          },
          (err: unknown) => {
            // Only a bug can land here (authenticate never rejects); answer rather than hang.
            options.onError?.(err, { status: 500, code: 'ERR_UNKNOWN' });
            if (!res.headersSent) {
              res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
              res.end('{"error":"server_error"}');
            }
          },
        );
      };
    },
  };
}
