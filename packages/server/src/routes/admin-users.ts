// Admin API for users: GET/POST /v1/admin/users, PATCH /v1/admin/users/:id (roles, disabled). The
// rules are services/user-admin.ts, which the CLI uses too.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { assertStorableClaims, setUserClaims } from '../claims/user-claims.js';
import { requireRole } from '../plugins/authenticate.js';
import { ErrorBody, emailField, passwordField } from '../schemas/fields.js';
import { cursorField, nextCursorField, pageQuery } from '../schemas/pagination.js';
import { routeSchema } from '../schemas/zod-provider.js';
import { DomainError } from '../services/domain-error.js';
import { changeUser, createUser, describeUser, listUsers, ROLE_PATTERN } from '../services/user-admin.js';

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
    email_verified: z.boolean({ error: 'must be a boolean' }).optional(),
    claims: claimsField.optional(),
    /** With `claims`: cut the user's live tokens so the new claims apply at the next request. */
    revoke_tokens: z.boolean({ error: 'must be a boolean' }).optional(),
  })
  .refine(
    (b) =>
      b.roles !== undefined ||
      b.disabled !== undefined ||
      b.email_verified !== undefined ||
      b.claims !== undefined,
    'give roles, disabled, email_verified and/or claims',
  );
// `after` and `next` are the names before paging was one style across the API; still accepted/sent.
const ListQuery = pageQuery(100, 500).extend({
  after: cursorField.optional().describe('deprecated: use cursor'),
});
const IdParams = z.object({ id: z.string().min(1).max(200) });
const UserView = z.object({
  id: z.string(),
  email: z.string(),
  roles: z.array(z.string()),
  disabled: z.boolean(),
  email_verified: z.boolean(),
  claims: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  updated_at: z.string(),
});
const Created = z.object({
  user: z.object({
    id: z.string(),
    email: z.string(),
    roles: z.array(z.string()),
    claims: z.record(z.string(), z.unknown()).optional(),
  }),
});

export async function adminUsersRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const admin = requireRole(ctx, 'admin');
  const route = routeSchema(app);
  const deps = {
    users: ctx.stores.users,
    revocations: ctx.services.revocations,
    sessions: ctx.services.sessions,
    audit: ctx.services.audit,
    clock: ctx.clock,
  };

  route.get(
    '/v1/admin/users',
    {
      onRequest: admin,
      schema: {
        summary: 'List users',
        querystring: ListQuery,
        response: {
          200: z.object({
            users: z.array(UserView),
            next_cursor: nextCursorField,
            next: z.string().nullable().describe('deprecated: same as next_cursor'),
          }),
          403: ErrorBody,
        },
      },
    },
    async (request) => {
      const { limit, cursor, after } = request.query;
      const page = await listUsers(ctx.stores.users, { limit, after: cursor ?? after });
      return { users: page.users.map(describeUser), next_cursor: page.next, next: page.next };
    },
  );

  route.post(
    '/v1/admin/users',
    {
      onRequest: admin,
      schema: {
        summary: 'Create a user',
        body: CreateBody,
        response: { 201: Created, 400: ErrorBody, 403: ErrorBody, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      const { claims, ...input } = request.body;
      const roles = input.roles ?? ['user'];
      if (claims) assertStorableClaims(ctx.services.tokens, { id: 'u_xxxxxxxxxxxxxxxx', roles }, claims);
      const created = await createUser(deps, input, { sub: request.auth?.sub ?? null, ip: request.ip });
      const user = claims
        ? ((await ctx.stores.users.update(created.id, { claims, updatedAt: created.createdAt })) ?? created)
        : created;
      return reply.code(201).send({
        user: {
          id: user.id,
          email: user.email,
          roles: user.roles,
          ...(claims ? { claims: user.claims } : {}),
        },
      });
    },
  );

  route.get(
    '/v1/admin/users/:id',
    {
      onRequest: admin,
      schema: {
        summary: 'One user',
        params: IdParams,
        response: { 200: z.object({ user: UserView }), 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      const user = await ctx.stores.users.findById(request.params.id);
      if (!user) throw new DomainError({ code: 'not_found', message: 'no such user' });
      return { user: describeUser(user) };
    },
  );

  route.patch(
    '/v1/admin/users/:id',
    {
      onRequest: admin,
      schema: {
        summary: "Change a user's roles, disable the user, or set whether the address is verified",
        params: IdParams,
        body: PatchBody,
        response: { 200: z.object({ user: UserView }), 400: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      const { email_verified: verified, claims, revoke_tokens: revokeTokens, ...patch } = request.body;
      const actor = request.auth?.sub ?? null;
      if (claims !== undefined) {
        await setUserClaims(
          { ...deps, tokens: ctx.services.tokens },
          request.params.id,
          claims,
          { revokeTokens },
          actor,
        );
      }
      let user = await changeUser(deps, request.params.id, patch, actor);
      if (verified !== undefined)
        user = await ctx.services.lifecycle.setEmailVerified(user.id, verified, actor);
      return { user: describeUser(user) };
    },
  );
}
