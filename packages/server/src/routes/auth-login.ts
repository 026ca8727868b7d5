// POST /v1/auth/login {email, password, refresh_token_in_body?} → access token + refresh token.
// The rules (limits, constant-time failures, audit) are the auth flows' (services/auth-flows.ts).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { audienceFor } from '../audiences/resource.js';
import { API_ERRORS } from '../errors.js';
import { ErrorBody, emailField, passwordField, resourceField, TokenResponse } from '../schemas/fields.js';
import { routeSchema } from '../schemas/zod-provider.js';
import { clientInfo, sendTokens } from './auth-shared.js';

const LoginBody = z.object({
  email: emailField,
  password: passwordField,
  refresh_token_in_body: z.boolean({ error: 'must be a boolean' }).optional(),
  resource: resourceField.optional(),
});

/** 401: invalid_credentials, or the second sign-in step (mfa_required / mfa_enrollment_required). */
const SecondStepBody = ErrorBody.extend({
  mfa_token: z.string().optional(),
  methods: z.array(z.string()).optional(),
  expires_in: z.number().int().optional(),
});

export async function authLoginRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { auth } = ctx.services;
  routeSchema(app).post(
    '/v1/auth/login',
    {
      schema: {
        summary: 'Sign in with email and password',
        body: LoginBody,
        response: { 200: TokenResponse, 400: ErrorBody, 401: SecondStepBody, 403: ErrorBody, 429: ErrorBody },
      },
    },
    async (request, reply) => {
      // A `resource` applies to a sign-in the password completes; after a second step the token is
      // for the default audience (ask for another with refresh's `resource`).
      const audience = audienceFor(request.body, ctx.config.audiences);
      const result = await auth.login(request.body, clientInfo(request), { audience });
      if ('pending' in result) {
        // A second factor enrolled (or required by role): 401 with an mfa_token, no token or cookie.
        const { pending } = result;
        reply.header('cache-control', 'no-store');
        return reply.code(401).send({ ...pending, error_description: API_ERRORS[pending.error].message });
      }
      return sendTokens(ctx, reply, result.tokens, request.body.refresh_token_in_body === true);
    },
  );
}
