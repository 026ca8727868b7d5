// Account lifecycle routes: verify email, resend, forgot/reset password, change/confirm email,
// export and erasure (the user's own and the admin's), admin password reset. The flows are in
// accounts/lifecycle/account-lifecycle.ts; these parse input and pick the status.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { noticeOrigin } from '../mail/notice-origin.js';
import { requireAuth, requireRole } from '../plugins/authenticate.js';
import { ErrorBody, emailField, NoContent, passwordField } from '../schemas/fields.js';
import { optionalBody, routeSchema } from '../schemas/zod-provider.js';
import type { UserExport } from '../stores/lifecycle-types.js';
import { FactorView } from './mfa-shared.js';

const tokenField = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(128, 'is too long');
const TokenBody = z.object({ token: tokenField });
const EmailBody = z.object({ email: emailField });
const ResetBody = z.object({ token: tokenField, password: passwordField });
const ChangeBody = z.object({ new_email: emailField, password: passwordField });
const PasswordBody = z.object({ password: passwordField });
const AdminResetBody = optionalBody(
  z.object({ return_link: z.boolean({ error: 'must be a boolean' }).optional() }),
);
const IdParams = z.object({ id: z.string().min(1).max(200) });

const Accepted = z.object({ message: z.string() });
const ExportView = z.object({
  exported_at: z.string(),
  user: z.record(z.string(), z.unknown()),
  sessions: z.array(z.record(z.string(), z.unknown())),
  audit: z.array(z.record(z.string(), z.unknown())),
  mail_links: z.array(z.record(z.string(), z.unknown())),
  factors: z.array(FactorView),
  recovery_codes_remaining: z.number(),
});

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
      claims: u.claims ?? {},
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
  const route = routeSchema(app);
  const bad = { 400: ErrorBody, 429: ErrorBody };

  route.post(
    '/v1/auth/verify-email',
    {
      schema: {
        summary: 'Verify the email address with the token of the mailed link',
        body: TokenBody,
        response: { 204: NoContent, ...bad },
      },
    },
    async (request, reply) => {
      await lifecycle.verifyEmail(request.body.token);
      return reply.code(204).send();
    },
  );

  route.post(
    '/v1/auth/verify-email/resend',
    {
      schema: {
        summary: 'Mail a new verification link (202 whether or not the account exists)',
        body: EmailBody,
        response: { 202: Accepted, 404: ErrorBody, ...bad },
      },
    },
    async (request, reply) => {
      await lifecycle.resendVerification(request.body.email, request.ip);
      return reply.code(202).send(ACCEPTED);
    },
  );

  route.post(
    '/v1/auth/password/forgot',
    {
      schema: {
        summary: 'Mail a password-reset link (202 whether or not the account exists)',
        body: EmailBody,
        response: { 202: Accepted, 404: ErrorBody, ...bad },
      },
    },
    async (request, reply) => {
      await lifecycle.forgotPassword(request.body.email, request.ip);
      return reply.code(202).send(ACCEPTED);
    },
  );

  route.post(
    '/v1/auth/password/reset',
    {
      schema: {
        summary: 'Set a new password with the token of the mailed link; revokes every session',
        body: ResetBody,
        response: { 204: NoContent, ...bad },
      },
    },
    async (request, reply) => {
      const user = await lifecycle.resetPassword(request.body.token, request.body.password, request.ip);
      ctx.services.notices.notify(user, 'password-reset-notice', noticeOrigin(request));
      return reply.code(204).send();
    },
  );

  route.post(
    '/v1/auth/email/change',
    {
      onRequest: authed,
      schema: {
        summary: 'Change the email address: confirmation to the new one, notice to the old',
        body: ChangeBody,
        response: { 202: Accepted, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, ...bad },
      },
    },
    async (request, reply) => {
      await lifecycle.requestEmailChange(
        request.auth!.sub,
        request.body.new_email,
        request.body.password,
        request.ip,
      );
      return reply.code(202).send({ message: 'A confirmation mail is on its way to the new address.' });
    },
  );

  route.post(
    '/v1/auth/email/confirm',
    {
      schema: {
        summary: 'Confirm an email change with the token of the mailed link',
        body: TokenBody,
        response: { 204: NoContent, 409: ErrorBody, ...bad },
      },
    },
    async (request, reply) => {
      await lifecycle.confirmEmailChange(request.body.token);
      return reply.code(204).send();
    },
  );

  route.get(
    '/v1/me/export',
    {
      onRequest: authed,
      schema: { summary: "The caller's data as JSON", response: { 200: ExportView, 401: ErrorBody } },
    },
    async (request, reply) => {
      const data = await lifecycle.exportUser(request.auth!.sub);
      // Second factors are the user's data too: their kind, name and dates, never a secret.
      const { factors, recovery_codes_remaining } = await ctx.services.mfa.list(request.auth!.sub);
      reply.header('content-disposition', 'attachment; filename="tessera-account.json"');
      return {
        exported_at: new Date(ctx.clock.now()).toISOString(),
        ...describeExport(data),
        factors,
        recovery_codes_remaining,
      };
    },
  );

  route.delete(
    '/v1/me',
    {
      onRequest: authed,
      schema: {
        summary: "Erase the caller's account (password re-entered)",
        body: PasswordBody,
        response: { 204: NoContent, 401: ErrorBody, 403: ErrorBody, ...bad },
      },
    },
    async (request, reply) => {
      await lifecycle.deleteOwnAccount(request.auth!.sub, request.body.password, request.ip);
      return reply.code(204).send();
    },
  );

  route.post(
    '/v1/admin/users/:id/password-reset',
    {
      onRequest: admin,
      schema: {
        summary: 'Mail a password-reset link to a user, or return it ({return_link: true})',
        params: IdParams,
        body: AdminResetBody,
        response: {
          200: z.object({ link: z.string(), expires_at: z.string() }),
          202: z.object({ expires_at: z.string() }),
          403: ErrorBody,
          404: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const actor = request.auth?.sub ?? 'admin';
      if (request.body.return_link) {
        const { link, expiresAt } = await lifecycle.adminPasswordReset(request.params.id, actor, {
          returnLink: true,
        });
        return { link: link as string, expires_at: iso(expiresAt) as string };
      }
      const { expiresAt } = await lifecycle.adminPasswordReset(request.params.id, actor);
      return reply.code(202).send({ expires_at: iso(expiresAt) as string });
    },
  );

  route.delete(
    '/v1/admin/users/:id',
    {
      onRequest: admin,
      schema: {
        summary: 'Erase a user: rows, sessions and tokens go; the audit trail keeps the id',
        params: IdParams,
        response: { 204: NoContent, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      await lifecycle.eraseUser(request.params.id, request.auth?.sub ?? 'admin');
      return reply.code(204).send();
    },
  );
}
