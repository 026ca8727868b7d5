// POST /v1/auth/login {email, password, refresh_token_in_body?} → access token + refresh token.
// The rules (limits, constant-time failures, audit) are the auth flows' (services/auth-flows.ts).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { audienceFor } from '../audiences/resource.js';
import { ErrorBody, emailField, passwordField, resourceField, TokenResponse } from '../schemas/fields.js';
import { routeSchema } from '../schemas/zod-provider.js';
import { clientInfo, sendTokens } from './auth-shared.js';

const LoginBody = z.object({
  email: emailField,
  password: passwordField,
  refresh_token_in_body: z.boolean({ error: 'must be a boolean' }).optional(),
  resource: resourceField.optional(),
});

export async function authLoginRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { auth } = ctx.services;
  routeSchema(app).post(
    '/v1/auth/login',
    {
      schema: {
        summary: 'Sign in with email and password',
        body: LoginBody,
        response: { 200: TokenResponse, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 429: ErrorBody },
      },
    },
    async (request, reply) => {
      const audience = audienceFor(request.body, ctx.config.audiences);
      const { tokens } = await auth.login(request.body, clientInfo(request), { audience });
      return sendTokens(ctx, reply, tokens, request.body.refresh_token_in_body === true);
    },
  );
}
