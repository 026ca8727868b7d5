// POST /v1/auth/register {email, password} → 201 {user: {id, email}}; off with TESSERA_REGISTRATION=false.
// Enumeration-safe mode (TESSERA_REGISTRATION_ENUMERATION_SAFE, on with required verification):
// 202 alike for new and taken addresses (accounts/lifecycle).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { ErrorBody, emailField, passwordField } from '../schemas/fields.js';
import { routeSchema } from '../schemas/zod-provider.js';
import { REGISTRATION_ACCEPTED } from './account-lifecycle.js';

const RegisterBody = z.object({ email: emailField, password: passwordField });
const Registered = z.object({ user: z.object({ id: z.string(), email: z.string() }) });

export async function authRegisterRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  routeSchema(app).post(
    '/v1/auth/register',
    {
      schema: {
        summary: 'Create an account',
        body: RegisterBody,
        response: {
          201: Registered,
          202: z.object({ message: z.string() }),
          400: ErrorBody,
          403: ErrorBody,
          409: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      if (ctx.config.accounts.registrationEnumerationSafe) {
        // The same 202 for a new and a taken address; the owner of a taken one is told by mail.
        await ctx.services.lifecycle.registerConcealed(request.body, request.ip);
        return reply.code(202).send(REGISTRATION_ACCEPTED);
      }
      const user = await ctx.services.auth.register(request.body, request.ip);
      ctx.services.lifecycle.registered(user);
      return reply.code(201).send({ user: { id: user.id, email: user.email } });
    },
  );
}
