// POST /v1/auth/password {current_password, new_password} (bearer): changes the password and
// revokes every other session of the user; the current one stays signed in. Wrong current
// passwords count against the account's login limit, so a stolen access token cannot brute-force it.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { setPassword } from '../accounts/accounts.js';
import { verifyPassword } from '../accounts/passwords.js';
import type { AppContext } from '../app-context.js';
import { ApiError, invalidToken } from '../errors.js';
import { requireAuth } from '../plugins/authenticate.js';
import { rateLimited } from '../plugins/rate-limit-reply.js';
import { parseBody, passwordField } from '../plugins/validation.js';

const PasswordBody = z.object({ current_password: passwordField, new_password: passwordField });

export async function authPasswordRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { limits, sessions, audit } = ctx.services;

  app.post('/v1/auth/password', { preHandler: requireAuth(ctx) }, async (request, reply) => {
    const auth = request.auth!;
    const body = parseBody(request, PasswordBody);
    const user = await ctx.stores.users.findById(auth.sub);
    if (!user || user.disabled) throw invalidToken();

    const limit = await limits.loginAccountCheck(user.email);
    if (!limit.allowed) throw rateLimited(limit);
    if (!(await verifyPassword(user.passwordHash, body.current_password))) {
      await limits.loginAccountFailed(user.email);
      await audit.record('login_failed', {
        sub: user.id,
        ip: request.ip,
        details: { reason: 'password_change' },
      });
      throw new ApiError('invalid_credentials', {
        status: 403,
        description: 'current_password is incorrect',
      });
    }

    await setPassword(ctx.stores.users, ctx.clock, user, body.new_password);
    const revoked = await sessions.revokeAll(user.id, 'password_change', auth.sid);
    await audit.record('password_changed', {
      sub: user.id,
      sessionId: auth.sid ?? null,
      ip: request.ip,
      details: { sessions_revoked: revoked.length },
    });
    return reply.code(204).send();
  });
}
