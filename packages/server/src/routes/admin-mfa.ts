// Admin view and reset of a user's second factors (admin role only):
//   GET /v1/admin/users/:id/factors    the user's factors and remaining recovery codes;
//   DELETE /v1/admin/users/:id/factors removes every factor and recovery code (audited as
//   `mfa_factors_reset` with the admin as actor; the user is mailed when a mailer is configured).
// After a reset the user signs in with the password alone — or, in TESSERA_MFA_REQUIRED_ROLES,
// must enrol a new factor before any token is issued.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { ApiError } from '../errors.js';
import { requireRole } from '../plugins/authenticate.js';
import { ErrorBody } from '../schemas/fields.js';
import { routeSchema } from '../schemas/zod-provider.js';
import { FactorList } from './mfa-shared.js';

const IdParams = z.object({ id: z.string().min(1).max(64) });
// Described, not enforced: an id that is no user's is a 404 (checked with IdParams in userOf).
const UserParams = z.object({ id: z.string().describe('the user id') });

export async function adminMfaRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { mfa } = ctx.services;
  const admin = { onRequest: requireRole(ctx, 'admin') };

  async function userOf(params: unknown) {
    const parsed = IdParams.safeParse(params);
    const user = parsed.success ? await ctx.stores.users.findById(parsed.data.id) : undefined;
    if (!user) throw new ApiError('not_found');
    return user;
  }

  const route = routeSchema(app);
  const errors = { 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };
  route.get(
    '/v1/admin/users/:id/factors',
    {
      ...admin,
      schema: {
        summary: "A user's second factors",
        params: UserParams,
        response: { 200: FactorList, ...errors },
      },
    },
    async (request) => {
      const user = await userOf(request.params);
      return mfa.list(user.id);
    },
  );

  route.delete(
    '/v1/admin/users/:id/factors',
    {
      ...admin,
      schema: {
        summary: 'Remove every second factor and recovery code of a user (the user is mailed)',
        params: UserParams,
        response: { 200: z.object({ removed: z.number().int() }), ...errors },
      },
    },
    async (request) => {
      const user = await userOf(request.params);
      const removed = await mfa.adminReset(user, request.auth!.sub, request.ip);
      return { removed };
    },
  );
}
