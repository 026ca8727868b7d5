// Minimal server-rendered pages for the links in account mails, so every flow completes from the
// mail alone: /console/verify-email, /console/reset-password, /console/confirm-email. Opening a
// link only shows a form (mail scanners prefetch links); the token is spent by the form's POST.
// No script, no external resource; the token stays out of Referer (no-referrer) and caches.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { LINK_PATHS } from '../accounts/lifecycle/account-lifecycle.js';
import type { AppContext } from '../app-context.js';
import { ApiError, apiErrorOf } from '../errors.js';
import { escapeHtml } from '../mail/templates.js';
import { addFormParser } from '../oauth/form-body.js';
import { DomainError } from '../services/domain-error.js';

const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function page(reply: FastifyReply, status: number, title: string, body: string) {
  reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', CSP)
    .header('cache-control', 'no-store');
  return reply.send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title>
<style>body{font-family:sans-serif;max-width:28em;margin:3em auto;padding:0 1em;color:#222}
input,button{font-size:1em;padding:.5em;margin:.3em 0;width:100%;box-sizing:border-box}
button{background:#2456d6;color:#fff;border:0;border-radius:4px;cursor:pointer}.err{color:#b00020}</style>
</head><body><h1>${escapeHtml(title)}</h1>
${body}
</body></html>
`);
}

function tokenOf(source: unknown): string {
  const token = (source as { token?: unknown } | undefined)?.token;
  return typeof token === 'string' && token.length <= 128 ? token : '';
}

function hidden(token: string): string {
  return `<input type="hidden" name="token" value="${escapeHtml(token)}">`;
}

/** The flows' failures as a page (the JSON API maps the same DomainError in errors.ts). */
function asApiError(err: unknown): ApiError | undefined {
  if (err instanceof DomainError) return apiErrorOf(err.failure, err);
  return err instanceof ApiError ? err : undefined;
}

function failure(reply: FastifyReply, title: string, err: unknown) {
  const api = asApiError(err);
  if (!api || api.status >= 500) throw err;
  return page(reply, api.status, title, `<p class="err">${escapeHtml(api.description)}</p>`);
}

export async function accountPagesRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const lifecycle = ctx.services.lifecycle;
  await app.register(async (scope) => {
    addFormParser(scope);

    scope.get(LINK_PATHS.verify_email, async (request, reply) =>
      page(
        reply,
        200,
        'Confirm your email address',
        `<form method="post">${hidden(tokenOf(request.query))}<button type="submit">Confirm my address</button></form>`,
      ),
    );
    scope.post(LINK_PATHS.verify_email, async (request, reply) => {
      try {
        const user = await lifecycle.verifyEmail(tokenOf(request.body));
        return page(
          reply,
          200,
          'Address confirmed',
          `<p>${escapeHtml(user.email)} is confirmed. You can sign in.</p>`,
        );
      } catch (err) {
        return failure(reply, 'This link does not work', err);
      }
    });

    const resetForm = (token: string, error = '') =>
      `${error ? `<p class="err">${escapeHtml(error)}</p>` : ''}<form method="post">${hidden(token)}
<label>New password <input type="password" name="password" autocomplete="new-password" required minlength="8"></label>
<button type="submit">Set the new password</button></form>`;
    scope.get(LINK_PATHS.reset_password, async (request, reply) =>
      page(reply, 200, 'Choose a new password', resetForm(tokenOf(request.query))),
    );
    scope.post(LINK_PATHS.reset_password, async (request, reply) => {
      const token = tokenOf(request.body);
      const password = (request.body as { password?: unknown } | undefined)?.password;
      try {
        if (typeof password !== 'string' || password === '' || password.length > 1024) {
          throw new ApiError('invalid_request', { description: 'give a new password' });
        }
        await lifecycle.resetPassword(token, password, request.ip);
        return page(
          reply,
          200,
          'Password changed',
          '<p>Your password is changed and every session was signed out. Sign in with the new password.</p>',
        );
      } catch (err) {
        // A refused password keeps the link usable: show the form again.
        const api = asApiError(err);
        if (api?.code === 'weak_password') {
          return page(reply, 400, 'Choose a new password', resetForm(token, api.description));
        }
        return failure(reply, 'This link does not work', err);
      }
    });

    scope.get(LINK_PATHS.change_email, async (request, reply) =>
      page(
        reply,
        200,
        'Confirm your new email address',
        `<form method="post">${hidden(tokenOf(request.query))}<button type="submit">Confirm the new address</button></form>`,
      ),
    );
    scope.post(LINK_PATHS.change_email, async (request, reply) => {
      try {
        const user = await lifecycle.confirmEmailChange(tokenOf(request.body));
        return page(
          reply,
          200,
          'Address changed',
          `<p>Your account's address is now ${escapeHtml(user.email)}.</p>`,
        );
      } catch (err) {
        return failure(reply, 'This link does not work', err);
      }
    });
  });
}
