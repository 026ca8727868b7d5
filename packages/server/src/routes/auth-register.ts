// POST /v1/auth/register {email, password} → 201 {user: {id, email}}; off with TESSERA_REGISTRATION=false.
// Enumeration-safe mode (TESSERA_REGISTRATION_ENUMERATION_SAFE, on with required verification):
// 202 alike for new and taken addresses.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { createAccount } from '../accounts/accounts.js';
import type { AppContext } from '../app-context.js';
import { ApiError } from '../errors.js';
import { rateLimited } from '../plugins/rate-limit-reply.js';
import { emailField, parseBody, passwordField } from '../plugins/validation.js';
import { REGISTRATION_ACCEPTED } from './account-lifecycle.js';

const RegisterBody = z.object({ email: emailField, password: passwordField });

export async function authRegisterRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.post('/v1/auth/register', async (request, reply) => {
    if (!ctx.config.registration) throw new ApiError('registration_disabled');
    const body = parseBody(request, RegisterBody);
    // Registration hashes a password: it shares the per-IP login budget so it cannot be used to burn CPU.
    const ipLimit = await ctx.services.limits.loginIp(request.ip);
    if (!ipLimit.allowed) {
      throw rateLimited(ipLimit);
    }
    if (ctx.config.accounts.registrationEnumerationSafe) {
      // The same 202 for a new and a taken address; the owner of a taken one is told by mail.
      await ctx.services.lifecycle.registerConcealed(body, request.ip);
      return reply.code(202).send(REGISTRATION_ACCEPTED);
    }
    const user = await createAccount(ctx.stores.users, ctx.clock, body);
    await ctx.services.audit.record('user_registered', { sub: user.id, ip: request.ip });
    ctx.services.lifecycle.registered(user);
    return reply.code(201).send({ user: { id: user.id, email: user.email } });
  });
}
