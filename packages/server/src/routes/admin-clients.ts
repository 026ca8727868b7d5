// OAuth clients (admin role): GET/POST /v1/admin/clients, PATCH and DELETE /v1/admin/clients/:id,
// POST /v1/admin/clients/:id/secret (rotate). A secret is in the create or rotate response only and
// is stored hashed; disabling or deleting a client revokes its live tokens (oauth/client-admin.ts).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { ApiError } from '../errors.js';
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
import { parseBody } from '../plugins/validation.js';
import { parseQuery } from './admin-query.js';

const IdParams = z.object({ id: z.string().min(1).max(200) });

export async function adminClientsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const admin = requireRole(ctx, 'admin');
  const deps = (): ClientAdminDeps => ({
    clients: ctx.stores.clients,
    revocations: ctx.services.revocations,
    audit: ctx.services.audit,
    clock: ctx.clock,
    accessTtl: ctx.config.accessTtl,
  });

  app.post('/v1/admin/clients', { preHandler: admin }, async (request, reply) => {
    const body = parseBody(request, clientSettingsSchema);
    const { client, secret } = await registerClient(deps(), body, request.auth?.sub ?? null);
    reply.header('cache-control', 'no-store');
    return reply
      .code(201)
      .send({ ...describeClient(client), ...(secret !== undefined ? { client_secret: secret } : {}) });
  });

  app.get('/v1/admin/clients', { preHandler: admin }, async () => {
    return { clients: (await ctx.stores.clients.list()).map(describeClient) };
  });

  app.get('/v1/admin/clients/:id', { preHandler: admin }, async (request) => {
    const { id } = parseQuery(request.params, IdParams);
    const client = await ctx.stores.clients.get(id);
    if (!client) throw new ApiError('not_found', { description: 'no such client' });
    return describeClient(client);
  });

  app.patch('/v1/admin/clients/:id', { preHandler: admin }, async (request) => {
    const { id } = parseQuery(request.params, IdParams);
    const body = parseBody(request, clientPatchSchema);
    return describeClient(await changeClient(deps(), id, body, request.auth?.sub ?? null));
  });

  app.delete('/v1/admin/clients/:id', { preHandler: admin }, async (request, reply) => {
    const { id } = parseQuery(request.params, IdParams);
    await deleteClient(deps(), id, request.auth?.sub ?? null);
    return reply.code(204).send();
  });

  app.post('/v1/admin/clients/:id/secret', { preHandler: admin }, async (request, reply) => {
    const { id } = parseQuery(request.params, IdParams);
    const { client, secret } = await rotateClientSecret(deps(), id, request.auth?.sub ?? null);
    reply.header('cache-control', 'no-store');
    return { client_id: client.id, client_secret: secret };
  });
}
