// Pieces shared by the second-factor routes: the body fields of a factor proof, and finishing a
// sign-in once every factor passed (session with its amr, audit, tokens like login).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import type { FactorProof } from '../mfa/mfa-service.js';
import type { UserRecord } from '../stores/types.js';
import { clientInfo, sendTokens } from './auth-shared.js';

export const mfaTokenField = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(128, 'is too long');
const codeField = z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(64, 'is too long');
/** A WebAuthn response as @simplewebauthn/browser produces it; checked in depth by the verifier. */
export const webauthnResponseField = z
  .object({
    id: z.string({ error: 'must be a string' }).min(1).max(1024),
    rawId: z.string({ error: 'must be a string' }).max(1024),
    type: z.literal('public-key', { error: 'must be "public-key"' }),
    response: z.record(z.string(), z.unknown()),
  })
  .passthrough();

/** `{method, code}` or `{method: "webauthn", response}`, as one discriminated union. */
export const factorProofFields = z.discriminatedUnion(
  'method',
  [
    z.object({ method: z.literal('totp'), code: codeField }),
    z.object({ method: z.literal('recovery_code'), code: codeField }),
    z.object({ method: z.literal('webauthn'), response: webauthnResponseField }),
  ],
  { error: 'must be one of "totp", "webauthn", "recovery_code"' },
);

/** A second factor as the API shows it (never its secret). */
export const FactorView = z.object({
  id: z.string(),
  type: z.enum(['totp', 'webauthn']),
  name: z.string(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  confirmed: z.boolean(),
});

/** GET /v1/me/factors and GET /v1/admin/users/:id/factors. */
export const FactorList = z.object({
  factors: z.array(FactorView),
  recovery_codes_remaining: z.number().int(),
});

/** WebAuthn options (PublicKeyCredentialCreationOptionsJSON / RequestOptionsJSON) for the browser. */
export const WebauthnOptions = z
  .looseObject({ challenge: z.string() })
  .describe('options for navigator.credentials (as @simplewebauthn/browser takes them)');

export function toProof(body: z.infer<typeof factorProofFields>): FactorProof {
  // biome-ignore lint/suspicious/noExplicitAny: the WebAuthn JSON is validated by @simplewebauthn/server
  return body.method === 'webauthn' ? { method: 'webauthn', response: body.response as any } : body;
}

/** Starts the session with its amr and answers like POST /v1/auth/login. */
export async function completeSignIn(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  user: UserRecord,
  amr: string[],
  inBody: boolean,
) {
  const tokens = await ctx.services.refresh.startSession(user, clientInfo(request), {
    amr,
    authTime: ctx.clock.now(),
  });
  await ctx.services.audit.record('login_succeeded', {
    sub: user.id,
    sessionId: tokens.session.id,
    ip: request.ip,
    details: { amr },
  });
  return sendTokens(ctx, reply, tokens, inBody);
}
