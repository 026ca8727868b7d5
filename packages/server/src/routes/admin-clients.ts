// OAuth clients (admin role): GET/POST /v1/admin/clients, GET, PATCH and DELETE /v1/admin/clients/:id,
// POST /v1/admin/clients/:id/secret (rotate). A secret is in the create or rotate response only and
// is stored hashed; disabling or deleting a client revokes its live tokens (oauth/client-admin.ts).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import {
  type ClientAdminDeps,
  changeClient,
  clientPatchSchema,
  clientSettingsSchema,
  deleteClient,
  registerClient,
  rotateClientSecret,
} from '../oauth/client-admin.js';
import { describeClient } from '../oauth/client-secrets.js';
import { requireRole } from '../plugins/authenticate.js';
import { ErrorBody, NoContent } from '../schemas/fields.js';
import { nextCursorField, pageOf, pageQuery } from '../schemas/pagination.js';
import { routeSchema } from '../schemas/zod-provider.js';
import { DomainError } from '../services/domain-error.js';

const IdParams = z.object({ id: z.string().min(1).max(200) });
const ClientView = z.looseObject({ client_id: z.string(), name: z.string() });

export async function adminClientsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const admin = requireRole(ctx, 'admin');
  const deps = (): ClientAdminDeps => ({
    clients: ctx.stores.clients,
    revocations: ctx.services.revocations,
    audit: ctx.services.audit,
    clock: ctx.clock,
  });
  const route = routeSchema(app);

  route.post(
    '/v1/admin/clients',
    {
      onRequest: admin,
      schema: {
        summary: 'Create an OAuth client (a secret is in this response only)',
        body: clientSettingsSchema,
        response: { 201: ClientView, 400: ErrorBody, 403: ErrorBody },
      },
    },
    async (request, reply) => {
      const { client, secret } = await registerClient(deps(), request.body, request.auth?.sub ?? null);
      reply.header('cache-control', 'no-store');
      return reply
        .code(201)
        .send({ ...describeClient(client), ...(secret !== undefined ? { client_secret: secret } : {}) });
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

  route.get(
    '/v1/admin/clients/:id',
    {
      onRequest: admin,
      schema: {
        summary: 'One OAuth client',
        params: IdParams,
        response: { 200: ClientView, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      const client = await ctx.stores.clients.get(request.params.id);
      if (!client) throw new DomainError({ code: 'not_found', message: 'no such client' });
      return describeClient(client);
    },
  );

  route.patch(
    '/v1/admin/clients/:id',
    {
      onRequest: admin,
      schema: {
        summary: 'Change or disable an OAuth client',
        params: IdParams,
        body: clientPatchSchema,
        response: { 200: ClientView, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      const actor = request.auth?.sub ?? null;
      return describeClient(await changeClient(deps(), request.params.id, request.body, actor));
    },
  );

  route.delete(
    '/v1/admin/clients/:id',
    {
      onRequest: admin,
      schema: {
        summary: 'Delete an OAuth client (its live tokens are revoked)',
        params: IdParams,
        response: { 204: NoContent, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      await deleteClient(deps(), request.params.id, request.auth?.sub ?? null);
      return reply.code(204).send();
    },
  );

  route.post(
    '/v1/admin/clients/:id/secret',
    {
      onRequest: admin,
      schema: {
        summary: "Replace a client's secret (shown once; the old one stops working)",
        params: IdParams,
        response: {
          200: z.object({ client_id: z.string(), client_secret: z.string() }),
          403: ErrorBody,
          404: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const { client, secret } = await rotateClientSecret(
        deps(),
        request.params.id,
        request.auth?.sub ?? null,
      );
      reply.header('cache-control', 'no-store');
      return { client_id: client.id, client_secret: secret };
    },
  );
}
