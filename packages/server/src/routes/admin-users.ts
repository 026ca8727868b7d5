// Admin API for users: GET/POST /v1/admin/users, PATCH /v1/admin/users/:id (roles, disabled).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { createAccount } from '../accounts/accounts.js';
import type { AppContext } from '../app-context.js';
import { assertStorableClaims, setUserClaims } from '../claims/user-claims.js';
import { ApiError } from '../errors.js';
import { requireRole } from '../plugins/authenticate.js';
import { emailField, parseBody, passwordField } from '../plugins/validation.js';
import { parseQuery } from './admin-query.js';
import { changeUser, describeUser, ROLE_PATTERN } from './admin-user-ops.js';

const roleField = z.string().regex(ROLE_PATTERN, 'roles must be lower-case words (a-z, 0-9, _ : -)');
const rolesField = z.array(roleField).max(32, 'at most 32 roles');

const claimsField = z.record(z.string(), z.unknown(), { error: 'must be a JSON object' });
const CreateBody = z.object({
  email: emailField,
  password: passwordField,
  roles: rolesField.optional(),
  claims: claimsField.optional(),
});
const PatchBody = z
  .object({
    roles: rolesField.optional(),
    disabled: z.boolean({ error: 'must be a boolean' }).optional(),
    claims: claimsField.optional(),
    /** With `claims`: cut the user's live tokens so the new claims apply at the next request. */
    revoke_tokens: z.boolean({ error: 'must be a boolean' }).optional(),
  })
  .refine(
    (b) => b.roles !== undefined || b.disabled !== undefined || b.claims !== undefined,
    'give roles, disabled and/or claims',
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

  app.get('/v1/admin/users/:id', { preHandler: admin }, async (request) => {
    const { id } = parseQuery(request.params, IdParams);
    const user = await ctx.stores.users.findById(id);
    if (!user) throw new ApiError('not_found', { description: 'no such user' });
    return { user: describeUser(user) };
  });

  app.post('/v1/admin/users', { preHandler: admin }, async (request, reply) => {
    const body = parseBody(request, CreateBody);
    const roles = body.roles ?? ['user'];
    if (body.claims)
      assertStorableClaims(ctx.services.tokens, { id: 'u_xxxxxxxxxxxxxxxx', roles }, body.claims);
    const created = await createAccount(ctx.stores.users, ctx.clock, {
      email: body.email,
      password: body.password,
      roles,
    });
    const user = body.claims
      ? ((await ctx.stores.users.update(created.id, { claims: body.claims, updatedAt: created.createdAt })) ??
        created)
      : created;
    await ctx.services.audit.record('user_created', {
      sub: user.id,
      actor: request.auth?.sub ?? null,
      ip: request.ip,
      details: { roles: user.roles },
    });
    return reply.code(201).send({
      user: {
        id: user.id,
        email: user.email,
        roles: user.roles,
        ...(body.claims ? { claims: user.claims } : {}),
      },
    });
  });

  app.patch('/v1/admin/users/:id', { preHandler: admin }, async (request) => {
    const { id } = parseQuery(request.params, IdParams);
    const body = parseBody(request, PatchBody);
    const actor = request.auth?.sub ?? null;
    if (body.claims !== undefined) {
      await setUserClaims(
        { ...deps(), tokens: ctx.services.tokens },
        id,
        body.claims,
        { revokeTokens: body.revoke_tokens },
        actor,
      );
    }
    const user = await changeUser(deps(), id, { roles: body.roles, disabled: body.disabled }, actor);
    return { user: describeUser(user) };
  });
}
