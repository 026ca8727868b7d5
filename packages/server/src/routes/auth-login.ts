// POST /v1/auth/login {email, password, refresh_token_in_body?} → access token + refresh token.
// Unknown user, wrong password and disabled user are the same 401 in the same time (one argon2id
// verification each). Limits: per IP on every attempt, per account on failures — the account check
// runs before the password, so the 6th attempt after 5 failures is 429 even with the right password.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { authenticate } from '../accounts/accounts.js';
import { normalizeEmail } from '../accounts/email.js';
import type { AppContext } from '../app-context.js';
import { audienceFor } from '../audiences/resource.js';
import { ApiError } from '../errors.js';
import { rateLimited, setRateLimitHeaders } from '../plugins/rate-limit-reply.js';
import { emailField, parseBody, passwordField } from '../plugins/validation.js';
import { clientInfo, sendTokens } from './auth-shared.js';

const LoginBody = z.object({
  email: emailField,
  password: passwordField,
  refresh_token_in_body: z.boolean({ error: 'must be a boolean' }).optional(),
});

export async function authLoginRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { limits, audit, metrics, refresh } = ctx.services;

  app.post('/v1/auth/login', async (request, reply) => {
    const body = parseBody(request, LoginBody);
    const audience = audienceFor(request.body, ctx.config.audiences);
    const email = normalizeEmail(body.email);
    const ip = request.ip;

    const ipLimit = await limits.loginIp(ip);
    if (!ipLimit.allowed) {
      throw rateLimited(ipLimit);
    }
    const accountLimit = await limits.loginAccountCheck(email);
    if (!accountLimit.allowed) {
      throw rateLimited(accountLimit);
    }

    const result = await authenticate(ctx.stores.users, email, body.password);
    if (!result.ok) {
      const after = await limits.loginAccountFailed(email);
      setRateLimitHeaders(reply, after);
      metrics.loginFailed(result.reason);
      await audit.record('login_failed', {
        sub: result.user?.id ?? null,
        ip,
        details: { reason: result.reason },
      });
      throw new ApiError('invalid_credentials');
    }

    await limits.loginAccountReset(email);
    const tokens = await refresh.startSession(result.user, clientInfo(request), { audience });
    await audit.record('login_succeeded', { sub: result.user.id, sessionId: tokens.session.id, ip });
    return sendTokens(ctx, reply, tokens, body.refresh_token_in_body === true);
  });
}
