// Admin API for signing keys: GET /v1/admin/keys (states and timeline, never private material),
// POST /v1/admin/keys/rotate (emergency rotation: the new key signs at once, on every
// instance within the key service's reload interval; the old one stays published as retiring) and
// POST /v1/admin/keys/:kid/revoke (a leaked key: out of the JWKS and refused everywhere at once).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { KeyRotationUnsupportedError } from '../keys/hs-key-service.js';
import { revokeSigningKey } from '../keys/revoke-key.js';
import { requireRole } from '../plugins/authenticate.js';
import { ErrorBody } from '../schemas/fields.js';
import { optionalBody, routeSchema } from '../schemas/zod-provider.js';
import { fail } from '../services/domain-error.js';

// `replace`: the kid the admin wants rotated away from (what their console or CLI showed as
// active). Optional; the default is the key this instance signs with when the request arrives.
const RotateBody = optionalBody(z.object({ replace: z.string().min(1).max(128).optional() }).strict());
const KeyView = z.object({
  kid: z.string(),
  alg: z.string(),
  state: z.string(),
  created_at: z.string().nullable(),
  activated_at: z.string().nullable(),
  retiring_at: z.string().nullable(),
  retired_at: z.string().nullable(),
});
const KeysResponse = z.object({
  algorithm: z.string(),
  active_kid: z.string().nullable(),
  keys: z.array(KeyView),
  rotation: z
    .object({
      rotate_every: z.number(),
      publish_ahead: z.number(),
      retiring_for: z.number(),
      jwks_max_age: z.number(),
    })
    .nullable(),
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export async function adminKeysRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const admin = requireRole(ctx, 'admin');
  const keys = ctx.services.keys;
  const route = routeSchema(app);

  route.get(
    '/v1/admin/keys',
    {
      onRequest: admin,
      schema: {
        summary: 'Signing keys and the rotation timeline',
        response: { 200: KeysResponse, 403: ErrorBody },
      },
    },
    async () => {
      const list = await keys.list();
      const policy = keys.policy();
      return {
        algorithm: keys.algorithm,
        active_kid: keys.activeKid() ?? null,
        keys: list.map((k) => ({
          kid: k.kid,
          alg: k.alg,
          state: k.state,
          created_at: iso(k.createdAt),
          activated_at: iso(k.activatedAt),
          retiring_at: iso(k.retiringAt),
          retired_at: iso(k.retiredAt),
        })),
        rotation: policy
          ? {
              rotate_every: policy.rotateEvery,
              publish_ahead: policy.publishAhead,
              retiring_for: policy.maxTokenTtl,
              jwks_max_age: policy.jwksMaxAge,
            }
          : null,
      };
    },
  );

  route.post(
    '/v1/admin/keys/rotate',
    {
      onRequest: admin,
      schema: {
        summary: 'Emergency rotation: a new key signs at once',
        body: RotateBody,
        response: {
          200: z.object({ kid: z.string(), previous: z.string().nullable() }),
          400: ErrorBody,
          403: ErrorBody,
        },
      },
    },
    async (request) => {
      const body = request.body;
      const previous = body.replace ?? keys.activeKid() ?? null;
      try {
        const kid = await keys.rotateNow(request.auth?.sub ?? null, previous ? { replace: previous } : {});
        return { kid, previous: previous === kid ? null : previous };
      } catch (err) {
        if (err instanceof KeyRotationUnsupportedError) {
          throw fail({ code: 'rotation_unsupported', message: err.message });
        }
        throw err;
      }
    },
  );

  route.post(
    '/v1/admin/keys/:kid/revoke',
    {
      onRequest: admin,
      schema: {
        summary: 'Revoke a (leaked) signing key: out of the JWKS, its tokens refused at once',
        params: z.object({ kid: z.string().min(1).max(128) }),
        response: {
          200: z.object({
            kid: z.string(),
            state: z.literal('revoked'),
            previous_state: z.string(),
            active_kid: z.string(),
          }),
          400: ErrorBody,
          403: ErrorBody,
          404: ErrorBody,
        },
      },
    },
    async (request) => {
      try {
        const revoked = await revokeSigningKey(ctx.services, request.params.kid, request.auth?.sub ?? null);
        return {
          kid: revoked.kid,
          state: 'revoked' as const,
          previous_state: revoked.previousState,
          active_kid: revoked.activeKid,
        };
      } catch (err) {
        if (err instanceof KeyRotationUnsupportedError) {
          throw fail({ code: 'rotation_unsupported', message: err.message });
        }
        throw err;
      }
    },
  );
}
