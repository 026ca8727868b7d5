// GET /v1/me: the caller's verified claims; `sub` is the user's id.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { requireAuth } from '../plugins/authenticate.js';

export async function meRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/v1/me', { preHandler: requireAuth(ctx) }, async (request) => request.auth!.payload);
}
