// Account lifecycle routes: verify email, resend, forgot/reset password, change/confirm email,
// export and erasure (the user's own and the admin's), admin password reset. The flows are in
// accounts/lifecycle/account-lifecycle.ts; these parse input and pick the status.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { requireAuth, requireRole } from '../plugins/authenticate.js';
import { emailField, parseBody, parseOptionalBody, passwordField } from '../plugins/validation.js';
import type { UserExport } from '../stores/lifecycle-types.js';
import { parseQuery } from './admin-query.js';

const tokenField = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(128, 'is too long');
const TokenBody = z.object({ token: tokenField });
const EmailBody = z.object({ email: emailField });
const ResetBody = z.object({ token: tokenField, password: passwordField });
const ChangeBody = z.object({ new_email: emailField, password: passwordField });
const PasswordBody = z.object({ password: passwordField });
const AdminResetBody = z.object({ return_link: z.boolean({ error: 'must be a boolean' }).optional() });
const IdParams = z.object({ id: z.string().min(1).max(200) });

/** What 202 answers say, whoever asked: nothing about whether the account exists. */
export const ACCEPTED = { message: 'If an account matches, a mail is on its way.' } as const;
/** Enumeration-safe registration: the same for a new and a taken address. */
export const REGISTRATION_ACCEPTED = { message: 'Check your mailbox to continue.' } as const;

const iso = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString() : null);

export function describeExport(data: UserExport) {
  const u = data.user;
  return {
    user: {
      id: u.id,
      email: u.email,
      email_verified: Boolean(u.emailVerifiedAt),
      email_verified_at: iso(u.emailVerifiedAt),
      roles: u.roles,
      disabled: u.disabled,
      created_at: iso(u.createdAt),
      updated_at: iso(u.updatedAt),
      password_changed_at: iso(u.passwordChangedAt),
    },
    sessions: data.sessions.map((s) => ({
      id: s.id,
      device: s.device,
      user_agent: s.userAgent,
      ip: s.ip,
      created_at: iso(s.createdAt),
      last_used_at: iso(s.lastUsedAt),
      expires_at: iso(s.expiresAt),
      revoked_at: iso(s.revokedAt),
      revoked_reason: s.revokedReason,
    })),
    audit: data.audit.map((a) => ({
      at: iso(a.at),
      event: a.event,
      ip: a.ip,
      session_id: a.sessionId,
      actor: a.actor,
      details: a.details,
    })),
    mail_links: data.mailTokens.map((t) => ({
      kind: t.kind,
      email: t.email,
      created_at: iso(t.createdAt),
      expires_at: iso(t.expiresAt),
      used_at: iso(t.usedAt),
    })),
  };
}

export async function accountLifecycleRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const lifecycle = ctx.services.lifecycle;
  const admin = requireRole(ctx, 'admin');
  const authed = requireAuth(ctx);

  app.post('/v1/auth/verify-email', async (request, reply) => {
    const { token } = parseBody(request, TokenBody);
    await lifecycle.verifyEmail(token);
    return reply.code(204).send();
  });

  app.post('/v1/auth/verify-email/resend', async (request, reply) => {
    const { email } = parseBody(request, EmailBody);
    await lifecycle.resendVerification(email, request.ip);
    return reply.code(202).send(ACCEPTED);
  });

  app.post('/v1/auth/password/forgot', async (request, reply) => {
    const { email } = parseBody(request, EmailBody);
    await lifecycle.forgotPassword(email, request.ip);
    return reply.code(202).send(ACCEPTED);
  });

  app.post('/v1/auth/password/reset', async (request, reply) => {
    const body = parseBody(request, ResetBody);
    await lifecycle.resetPassword(body.token, body.password, request.ip);
    return reply.code(204).send();
  });

  app.post('/v1/auth/email/change', { preHandler: authed }, async (request, reply) => {
    const body = parseBody(request, ChangeBody);
    await lifecycle.requestEmailChange(request.auth!.sub, body.new_email, body.password, request.ip);
    return reply.code(202).send({ message: 'A confirmation mail is on its way to the new address.' });
  });

  app.post('/v1/auth/email/confirm', async (request, reply) => {
    const { token } = parseBody(request, TokenBody);
    await lifecycle.confirmEmailChange(token);
    return reply.code(204).send();
  });

  app.get('/v1/me/export', { preHandler: authed }, async (request, reply) => {
    const data = await lifecycle.exportUser(request.auth!.sub);
    reply.header('content-disposition', 'attachment; filename="tessera-account.json"');
    return { exported_at: new Date(ctx.clock.now()).toISOString(), ...describeExport(data) };
  });

  app.delete('/v1/me', { preHandler: authed }, async (request, reply) => {
    const { password } = parseBody(request, PasswordBody);
    await lifecycle.deleteOwnAccount(request.auth!.sub, password, request.ip);
    return reply.code(204).send();
  });

  app.post('/v1/admin/users/:id/password-reset', { preHandler: admin }, async (request, reply) => {
    const { id } = parseQuery(request.params, IdParams);
    const body = parseOptionalBody(request, AdminResetBody);
    const actor = request.auth?.sub ?? 'admin';
    if (body.return_link) {
      const { link, expiresAt } = await lifecycle.adminPasswordReset(id, actor, { returnLink: true });
      return { link, expires_at: iso(expiresAt) };
    }
    const { expiresAt } = await lifecycle.adminPasswordReset(id, actor);
    return reply.code(202).send({ expires_at: iso(expiresAt) });
  });

  app.delete('/v1/admin/users/:id', { preHandler: admin }, async (request, reply) => {
    const { id } = parseQuery(request.params, IdParams);
    await lifecycle.eraseUser(id, request.auth?.sub ?? 'admin');
    return reply.code(204).send();
  });
}
