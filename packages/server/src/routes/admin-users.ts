// Admin API for users: GET/POST /v1/admin/users, PATCH /v1/admin/users/:id (roles, disabled).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { createAccount } from '../accounts/accounts.js';
import type { AppContext } from '../app-context.js';
import { requireRole } from '../plugins/authenticate.js';
import { emailField, parseBody, passwordField } from '../plugins/validation.js';
import { parseQuery } from './admin-query.js';
import { changeUser, describeUser, ROLE_PATTERN } from './admin-user-ops.js';

const roleField = z.string().regex(ROLE_PATTERN, 'roles must be lower-case words (a-z, 0-9, _ : -)');
const rolesField = z.array(roleField).max(32, 'at most 32 roles');

const CreateBody = z.object({ email: emailField, password: passwordField, roles: rolesField.optional() });
const PatchBody = z
  .object({
    roles: rolesField.optional(),
    disabled: z.boolean({ error: 'must be a boolean' }).optional(),
    email_verified: z.boolean({ error: 'must be a boolean' }).optional(),
  })
  .refine(
    (b) => b.roles !== undefined || b.disabled !== undefined || b.email_verified !== undefined,
    'give roles, disabled and/or email_verified',
  );
const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  after: z.string().max(200).optional(),
});
const IdParams = z.object({ id: z.string().min(1).max(200) });

export async function adminUsersRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const admin = requireRole(ctx, 'admin');
  const deps = () => ({
    users: ctx.stores.users,
    revocations: ctx.services.revocations,
    sessions: ctx.services.sessions,
    audit: ctx.services.audit,
    clock: ctx.clock,
    accessTtl: ctx.config.accessTtl,
  });

  app.get('/v1/admin/users', { preHandler: admin }, async (request) => {
    const q = parseQuery(request.query, ListQuery);
    const users = await ctx.stores.users.list(
      q.after ? { limit: q.limit, after: q.after } : { limit: q.limit },
    );
    return {
      users: users.map(describeUser),
      next: users.length === q.limit ? (users.at(-1)?.id ?? null) : null,
    };
  });

  app.post('/v1/admin/users', { preHandler: admin }, async (request, reply) => {
    const body = parseBody(request, CreateBody);
    const user = await createAccount(ctx.stores.users, ctx.clock, {
      email: body.email,
      password: body.password,
      roles: body.roles ?? ['user'],
    });
    await ctx.services.audit.record('user_created', {
      sub: user.id,
      actor: request.auth?.sub ?? null,
      ip: request.ip,
      details: { roles: user.roles },
    });
    return reply.code(201).send({ user: { id: user.id, email: user.email, roles: user.roles } });
  });

  app.patch('/v1/admin/users/:id', { preHandler: admin }, async (request) => {
    const { id } = parseQuery(request.params, IdParams);
    const body = parseBody(request, PatchBody);
    const { email_verified: verified, ...patch } = body;
    let user = await changeUser(deps(), id, patch, request.auth?.sub ?? null);
    if (verified !== undefined) {
      user = await ctx.services.lifecycle.setEmailVerified(id, verified, request.auth?.sub ?? null);
    }
    return { user: describeUser(user) };
  });
}
