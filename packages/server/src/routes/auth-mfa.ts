// The second step of sign-in and step-up:
//   POST /v1/auth/mfa {mfa_token, method, code | response}  completes a password sign-in;
//   POST /v1/auth/webauthn/options {mfa_token?}              assertion options (for the second step
//        with an mfa_token, for step-up with a bearer token, or for passkey sign-in with neither);
//   POST /v1/auth/webauthn {response}                        passkey sign-in without a password;
//   POST /v1/auth/step-up {method, code | response}          re-checks a factor → fresh access token.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { invalidToken, rateLimitedError } from '../errors.js';
import { combineAmr } from '../mfa/amr.js';
import { serverVerifier, verifyBearer } from '../plugins/authenticate.js';
import { ErrorBody, TokenResponse } from '../schemas/fields.js';
import { SECURITY } from '../schemas/security.js';
import { optionalBody, routeSchema } from '../schemas/zod-provider.js';
import {
  completeSignIn,
  factorProofFields,
  mfaTokenField,
  toProof,
  WebauthnOptions,
  webauthnResponseField,
} from './mfa-shared.js';

const signInResponses = {
  200: TokenResponse,
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  429: ErrorBody,
};

const MfaBody = z.intersection(
  z.object({
    mfa_token: mfaTokenField,
    refresh_token_in_body: z.boolean({ error: 'must be a boolean' }).optional(),
  }),
  factorProofFields,
);
const OptionsBody = optionalBody(z.object({ mfa_token: mfaTokenField.optional() }));
const PasskeyBody = z.object({
  response: webauthnResponseField,
  refresh_token_in_body: z.boolean({ error: 'must be a boolean' }).optional(),
});

export async function authMfaRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { mfa, limits, audit, refresh } = ctx.services;
  const verifier = serverVerifier(ctx);
  const r = routeSchema(app);

  // Every unauthenticated step counts against the login limit of the IP, like a password attempt.
  async function ipLimit(request: FastifyRequest): Promise<void> {
    const result = await limits.loginIp(request.ip);
    if (!result.allowed) throw rateLimitedError(result);
  }

  r.post(
    '/v1/auth/mfa',
    { schema: { summary: 'Second sign-in step', body: MfaBody, response: signInResponses } },
    async (request, reply) => {
      const body = request.body;
      await ipLimit(request);
      const { challenge, user } = await mfa.pending(body.mfa_token, 'mfa_login');
      const factorAmr = await mfa.verify(user, toProof(body), request.ip);
      await mfa.spend(body.mfa_token, 'mfa_login');
      const firstAmr = Array.isArray(challenge.data.amr) ? (challenge.data.amr as string[]) : ['pwd'];
      const inBody = body.refresh_token_in_body ?? challenge.data.refresh_token_in_body === true;
      return completeSignIn(ctx, request, reply, user, combineAmr(firstAmr, factorAmr), inBody);
    },
  );

  r.post(
    '/v1/auth/webauthn/options',
    {
      schema: {
        summary: 'Passkey assertion options',
        description:
          'With an mfa_token (second step), a bearer token (step-up), or neither (passkey sign-in).',
        security: SECURITY.bearerOrNone,
        body: OptionsBody,
        response: { 200: WebauthnOptions, 400: ErrorBody, 401: ErrorBody, 429: ErrorBody },
      },
    },
    async (request) => {
      const body = request.body;
      if (body.mfa_token !== undefined) {
        const { user } = await mfa.pending(body.mfa_token, 'mfa_login');
        return { ...(await mfa.assertionOptions(user)) };
      }
      if (request.headers.authorization !== undefined) {
        const auth = verifyBearer(verifier, request);
        const user = await ctx.stores.users.findById(auth.sub);
        if (!user || user.disabled) throw invalidToken();
        return { ...(await mfa.assertionOptions(user)) };
      }
      await ipLimit(request);
      return { ...(await mfa.assertionOptions(null)) };
    },
  );

  r.post(
    '/v1/auth/webauthn',
    { schema: { summary: 'Passkey sign-in', body: PasskeyBody, response: signInResponses } },
    async (request, reply) => {
      const body = request.body;
      await ipLimit(request);
      // biome-ignore lint/suspicious/noExplicitAny: validated in depth by @simplewebauthn/server
      const { user, amr } = await mfa.passkeySignIn(body.response as any);
      // A passkey proves who signs in, not that the address is confirmed: the same rule as login.
      await ctx.services.auth.refuseUnverified(user, request.ip, 'passkey');
      return completeSignIn(ctx, request, reply, user, amr, body.refresh_token_in_body === true);
    },
  );

  r.post(
    '/v1/auth/step-up',
    {
      schema: {
        summary: 'Re-prove a factor for a fresh token',
        security: SECURITY.bearer,
        body: factorProofFields,
        response: { 200: TokenResponse, 400: ErrorBody, 401: ErrorBody },
      },
    },
    async (request, reply) => {
      const auth = verifyBearer(verifier, request);
      const body = request.body;
      if (auth.sid === undefined) throw invalidToken();
      const session = await ctx.stores.sessions.get(auth.sid);
      const user = await ctx.stores.users.findById(auth.sub);
      if (!session || session.revokedAt !== null || !user || user.disabled) throw invalidToken();
      const factorAmr = await mfa.verify(user, toProof(body), request.ip);
      const before = await ctx.stores.mfa.getSessionAuth(session.id);
      const amr = combineAmr(before?.amr ?? ['pwd'], factorAmr);
      await ctx.stores.mfa.setSessionAuth(session.id, { amr, authTime: ctx.clock.now() });
      const accessToken = await refresh.accessTokenFor(user, session);
      await audit.record('step_up', {
        sub: user.id,
        sessionId: session.id,
        ip: request.ip,
        details: { amr },
      });
      reply.header('cache-control', 'no-store');
      return { access_token: accessToken, token_type: 'Bearer' as const, expires_in: ctx.config.accessTtl };
    },
  );
}
