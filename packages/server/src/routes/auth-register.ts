// POST /v1/auth/register {email, password} → 201 {user: {id, email}}; off with TESSERA_REGISTRATION=false.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { ErrorBody, emailField, passwordField } from '../schemas/fields.js';
import { routeSchema } from '../schemas/zod-provider.js';

const RegisterBody = z.object({ email: emailField, password: passwordField });
const Registered = z.object({ user: z.object({ id: z.string(), email: z.string() }) });

export async function authRegisterRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  routeSchema(app).post(
    '/v1/auth/register',
    {
      schema: {
        summary: 'Create an account',
        body: RegisterBody,
        response: { 201: Registered, 400: ErrorBody, 403: ErrorBody, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      const user = await ctx.services.auth.register(request.body, request.ip);
      return reply.code(201).send({ user: { id: user.id, email: user.email } });
    },
  );
}
