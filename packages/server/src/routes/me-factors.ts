// The caller's second factors:
//   POST /v1/me/factors/totp → {id, otpauth_uri, qr_svg}; POST /v1/me/factors/totp/:id/confirm {code}
//   POST /v1/me/factors/webauthn/options; POST /v1/me/factors/webauthn {response, name?}
//   GET /v1/me/factors; DELETE /v1/me/factors/:id; POST /v1/me/recovery-codes (ten, shown once)
// Enrolment routes take a bearer token, or — for a user whom TESSERA_MFA_REQUIRED_ROLES forces to
// enrol before any token exists — the enrolment `mfa_token` of the password step; confirming the
// factor with it then completes that sign-in. The first factor comes with ten recovery codes.
// Removing the last factor and regenerating codes need a second factor proven in the last 5 min.
// Each change is mailed to the user (mail/security-notices.ts): `factor-added` when a factor is
// confirmed (the first factor's codes come with it, no separate notice), `factor-removed` for a
// confirmed factor (not an abandoned enrolment), `recovery-codes-regenerated`.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { ApiError, invalidToken } from '../errors.js';
import { noticeOrigin } from '../mail/notice-origin.js';
import { combineAmr } from '../mfa/amr.js';
import { requireFreshMfa } from '../mfa/fresh-auth.js';
import { publicFactor } from '../mfa/mfa-service.js';
import type { FactorRecord } from '../mfa/mfa-store.js';
import { amrOfPasskey } from '../mfa/webauthn.js';
import { requireAuth, serverVerifier, verifyBearer } from '../plugins/authenticate.js';
import { ErrorBody, NoContent, TokenResponse } from '../schemas/fields.js';
import { SECURITY } from '../schemas/security.js';
import { optionalBody, routeSchema } from '../schemas/zod-provider.js';
import type { UserRecord } from '../stores/types.js';
import {
  completeSignIn,
  FactorList,
  FactorView,
  mfaTokenField,
  WebauthnOptions,
  webauthnResponseField,
} from './mfa-shared.js';

const nameField = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'is too long');
const EnrolBody = optionalBody(z.object({ mfa_token: mfaTokenField.optional(), name: nameField.optional() }));
const ConfirmBody = z.object({
  code: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(16, 'is too long'),
  mfa_token: mfaTokenField.optional(),
});
const PasskeyBody = z.object({
  response: webauthnResponseField,
  name: nameField.optional(),
  mfa_token: mfaTokenField.optional(),
});
const IdParams = z.object({ id: z.string().min(1).max(64) });
// Described, not enforced: an id that is not a factor's is a 404 (checked with IdParams above).
const FactorParams = z.object({ id: z.string().describe('the factor id') });
const RecoveryCodes = z.object({ recovery_codes: z.array(z.string()) });
/** A confirmed factor; with the enrolment mfa_token, the sign-in's tokens too. */
const Enrolled = TokenResponse.partial().extend({
  factor: FactorView,
  recovery_codes: z.array(z.string()).optional().describe('with the first factor only (shown once)'),
});
const TotpStarted = z.object({ id: z.string(), otpauth_uri: z.string(), qr_svg: z.string() });
// Enrolment takes a bearer token, or the enrolment mfa_token in the body (no token yet).
const bearerOrEnrolToken = SECURITY.bearerOrNone;
const enrolErrors = { 400: ErrorBody, 401: ErrorBody };

interface Enroller {
  user: UserRecord;
  /** Set when enrolling with the enrolment mfa_token (no access token yet). */
  enrolToken?: string;
  firstAmr?: string[];
  inBody?: boolean;
}

export async function meFactorsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { mfa } = ctx.services;
  const verifier = serverVerifier(ctx);
  const r = routeSchema(app);
  const authed = { onRequest: requireAuth(ctx) };

  async function enroller(request: FastifyRequest, mfaToken: string | undefined): Promise<Enroller> {
    if (request.headers.authorization === undefined && mfaToken !== undefined) {
      const { challenge, user } = await mfa.pending(mfaToken, 'mfa_enrol');
      return {
        user,
        enrolToken: mfaToken,
        firstAmr: Array.isArray(challenge.data.amr) ? (challenge.data.amr as string[]) : ['pwd'],
        inBody: challenge.data.refresh_token_in_body === true,
      };
    }
    const auth = verifyBearer(verifier, request);
    const user = await ctx.stores.users.findById(auth.sub);
    if (!user || user.disabled) throw invalidToken();
    return { user };
  }

  /** After a factor is confirmed: recovery codes if it is the first, sign-in if enrolling by token. */
  async function enrolled(request: FastifyRequest, reply: FastifyReply, who: Enroller, factor: FactorRecord) {
    const codes =
      (await ctx.stores.mfa.countUnusedRecoveryCodes(who.user.id)) === 0
        ? await mfa.regenerateRecoveryCodes(who.user.id, request.ip)
        : undefined;
    ctx.services.notices.notify(who.user, 'factor-added', noticeOrigin(request), { factor: factor.type });
    const out = { factor: publicFactor(factor), ...(codes ? { recovery_codes: codes } : {}) };
    if (who.enrolToken === undefined) return reply.code(201).send(out);
    await mfa.spend(who.enrolToken, 'mfa_enrol');
    const factorAmr = factor.type === 'totp' ? ['otp'] : [amrOfPasskey(factor)];
    const amr = combineAmr(who.firstAmr ?? ['pwd'], factorAmr);
    const tokens = await completeSignIn(ctx, request, reply, who.user, amr, who.inBody === true);
    return reply.code(201).send({ ...tokens, ...out });
  }

  r.post(
    '/v1/me/factors/totp',
    {
      schema: {
        summary: 'Start a TOTP enrolment',
        security: bearerOrEnrolToken,
        body: EnrolBody,
        response: { 201: TotpStarted, ...enrolErrors },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const { user } = await enroller(request, body.mfa_token);
      return reply.code(201).send(await mfa.startTotp(user, body.name ?? 'Authenticator app'));
    },
  );

  r.post(
    '/v1/me/factors/totp/:id/confirm',
    {
      schema: {
        summary: 'Confirm a TOTP enrolment',
        security: bearerOrEnrolToken,
        params: FactorParams,
        body: ConfirmBody,
        response: { 201: Enrolled, ...enrolErrors, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const params = IdParams.safeParse(request.params);
      if (!params.success) throw new ApiError('not_found');
      const { id } = params.data;
      const body = request.body;
      const who = await enroller(request, body.mfa_token);
      const factor = await mfa.confirmTotp(who.user, id, body.code.trim());
      return enrolled(request, reply, who, factor);
    },
  );

  r.post(
    '/v1/me/factors/webauthn/options',
    {
      schema: {
        summary: 'Passkey registration options',
        security: bearerOrEnrolToken,
        body: EnrolBody,
        response: { 200: WebauthnOptions, ...enrolErrors },
      },
    },
    async (request) => {
      const body = request.body;
      const { user } = await enroller(request, body.mfa_token);
      return { ...(await mfa.passkeyRegistrationOptions(user)) };
    },
  );

  r.post(
    '/v1/me/factors/webauthn',
    {
      schema: {
        summary: 'Register a passkey',
        security: bearerOrEnrolToken,
        body: PasskeyBody,
        response: { 201: Enrolled, ...enrolErrors },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const who = await enroller(request, body.mfa_token);
      // biome-ignore lint/suspicious/noExplicitAny: validated in depth by @simplewebauthn/server
      const factor = await mfa.registerPasskey(who.user, body.response as any, body.name ?? 'Passkey');
      return enrolled(request, reply, who, factor);
    },
  );

  r.get(
    '/v1/me/factors',
    { ...authed, schema: { summary: "The caller's second factors", response: { 200: FactorList } } },
    async (request) => mfa.list(request.auth!.sub),
  );

  r.delete(
    '/v1/me/factors/:id',
    {
      ...authed,
      schema: {
        summary: 'Remove a second factor (the last one needs a factor proven in the last 5 minutes)',
        params: FactorParams,
        response: { 204: NoContent, 401: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const params = IdParams.safeParse(request.params);
      if (!params.success) throw new ApiError('not_found');
      const auth = request.auth!;
      if (await mfa.isLastFactor(auth.sub, params.data.id)) requireFreshMfa(auth.claims, ctx.clock.now());
      const user = await ctx.stores.users.findById(auth.sub);
      const removed = await mfa.remove(auth.sub, params.data.id, request.ip);
      if (user && removed.confirmedAt !== null) {
        ctx.services.notices.notify(user, 'factor-removed', noticeOrigin(request), { factor: removed.type });
      }
      return reply.code(204).send();
    },
  );

  r.post(
    '/v1/me/recovery-codes',
    {
      ...authed,
      schema: {
        summary: 'New recovery codes (ten, shown once; needs a factor proven in the last 5 minutes)',
        response: { 201: RecoveryCodes, 400: ErrorBody, 401: ErrorBody },
      },
    },
    async (request, reply) => {
      const auth = request.auth!;
      if ((await mfa.methodsOf(auth.sub)).length === 0) {
        throw new ApiError('invalid_request', { description: 'enrol a second factor before recovery codes' });
      }
      requireFreshMfa(auth.claims, ctx.clock.now());
      const user = await ctx.stores.users.findById(auth.sub);
      const codes = await mfa.regenerateRecoveryCodes(auth.sub, request.ip);
      if (user) ctx.services.notices.notify(user, 'recovery-codes-regenerated', noticeOrigin(request));
      reply.header('cache-control', 'no-store');
      return reply.code(201).send({ recovery_codes: codes });
    },
  );
}
