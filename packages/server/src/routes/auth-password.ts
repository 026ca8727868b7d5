// POST /v1/auth/password {current_password, new_password} (bearer): changes the password and
// revokes every other session of the user (services/auth-flows.ts); the current one stays. The
// user is then mailed a `password-changed` notice (a wrong current password changes and mails nothing).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { noticeOrigin } from '../mail/notice-origin.js';
import { requireAuth } from '../plugins/authenticate.js';
import { ErrorBody, NoContent, passwordField } from '../schemas/fields.js';
import { routeSchema } from '../schemas/zod-provider.js';

const PasswordBody = z.object({ current_password: passwordField, new_password: passwordField });

export async function authPasswordRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  routeSchema(app).post(
    '/v1/auth/password',
    {
      onRequest: requireAuth(ctx),
      schema: {
        summary: 'Change the password',
        body: PasswordBody,
        response: { 204: NoContent, 400: ErrorBody, 403: ErrorBody },
      },
    },
    async (request, reply) => {
      const caller = request.auth!;
      const user = await ctx.services.auth.changePassword(
        { userId: caller.sub, sessionId: caller.sid },
        { currentPassword: request.body.current_password, newPassword: request.body.new_password },
        request.ip,
      );
      ctx.services.notices.notify(user, 'password-changed', noticeOrigin(request));
      return reply.code(204).send();
    },
  );
}
