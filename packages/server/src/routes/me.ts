// GET /v1/me: the caller's verified claims; `sub` is the user's id.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { requireAuth } from '../plugins/authenticate.js';
import { ErrorBody } from '../schemas/fields.js';
import { routeSchema } from '../schemas/zod-provider.js';

const Claims = z.looseObject({ sub: z.string(), iss: z.string(), exp: z.number(), iat: z.number() });

export async function meRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  routeSchema(app).get(
    '/v1/me',
    {
      onRequest: requireAuth(ctx),
      schema: { summary: "The caller's verified claims", response: { 200: Claims, 401: ErrorBody } },
    },
    async (request) => request.auth!.claims as z.input<typeof Claims>,
  );
}
