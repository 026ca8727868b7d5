// OAuth clients: POST /v1/admin/clients (the secret is in this response only, stored hashed),
// GET /v1/admin/clients, PATCH /v1/admin/clients/:id {disabled, scopes, audiences}.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { ApiError } from '../errors.js';
import { CLIENT_SCOPES, createClient, describeClient } from '../oauth/client-secrets.js';
import { requireRole } from '../plugins/authenticate.js';
import { ErrorBody } from '../schemas/fields.js';
import { nextCursorField, pageOf, pageQuery } from '../schemas/pagination.js';
import { routeSchema } from '../schemas/zod-provider.js';

const scopes = z.array(z.enum(CLIENT_SCOPES, { error: `scopes are ${CLIENT_SCOPES.join(', ')}` })).max(8);
const audiences = z.array(z.string().min(1).max(200)).max(16);
const CreateBody = z.object({
  name: z.string().min(1, 'must not be empty').max(100),
  scopes: scopes.default([]),
  audiences: audiences.default([]),
});
const PatchBody = z.object({
  disabled: z.boolean().optional(),
  scopes: scopes.optional(),
  audiences: audiences.optional(),
});
const IdParams = z.object({ id: z.string().min(1).max(200) });

export async function adminClientsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const admin = requireRole(ctx, 'admin');

  const route = routeSchema(app);
  const ClientView = z.looseObject({ client_id: z.string(), name: z.string() });

  route.post(
    '/v1/admin/clients',
    {
      onRequest: admin,
      schema: {
        summary: 'Create an OAuth client (the secret is in this response only)',
        body: CreateBody,
        response: { 201: ClientView.extend({ client_secret: z.string() }), 400: ErrorBody, 403: ErrorBody },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const { client, secret } = await createClient(ctx.stores.clients, body, ctx.clock.now());
      reply.header('cache-control', 'no-store');
      return reply.code(201).send({ ...describeClient(client), client_secret: secret });
    },
  );

  route.get(
    '/v1/admin/clients',
    {
      onRequest: admin,
      schema: {
        summary: 'List OAuth clients (oldest first)',
        querystring: pageQuery(100, 500),
        response: {
          200: z.object({ clients: z.array(ClientView), next_cursor: nextCursorField }),
          400: ErrorBody,
          403: ErrorBody,
        },
      },
    },
    async (request) => {
      const page = pageOf(await ctx.stores.clients.list(), (c) => c.id, request.query);
      return { clients: page.items.map(describeClient), next_cursor: page.next_cursor };
    },
  );

  route.patch(
    '/v1/admin/clients/:id',
    {
      onRequest: admin,
      schema: {
        summary: 'Change or disable an OAuth client',
        params: IdParams,
        body: PatchBody,
        response: { 200: ClientView, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      const { id } = request.params;
      const body = request.body;
      if (!(await ctx.stores.clients.get(id)))
        throw new ApiError('not_found', { description: 'no such client' });
      await ctx.stores.clients.update(id, {
        ...(body.disabled !== undefined ? { disabled: body.disabled } : {}),
        ...(body.scopes ? { scopes: body.scopes } : {}),
        ...(body.audiences ? { audiences: body.audiences } : {}),
      });
      return describeClient((await ctx.stores.clients.get(id))!);
    },
  );
}
