// Admin API for signing keys: GET /v1/admin/keys (states and timeline, never private material)
// and POST /v1/admin/keys/rotate (emergency rotation: the new key signs at once, on every
// instance within the key service's reload interval; the old one stays published as retiring).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { ApiError } from '../errors.js';
import { KeyRotationUnsupportedError } from '../keys/hs-key-service.js';
import type { KeyServiceBase } from '../keys/key-service-base.js';
import { requireRole } from '../plugins/authenticate.js';
import { parseOptionalBody } from '../plugins/validation.js';

// `replace`: the kid the admin wants rotated away from (what their console or CLI showed as
// active). Optional; the default is the key this instance signs with when the request arrives.
const RotateBody = z.object({ replace: z.string().min(1).max(128).optional() }).strict();

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export async function adminKeysRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const admin = requireRole(ctx, 'admin');
  const keys = ctx.services.keys as Partial<KeyServiceBase> & typeof ctx.services.keys;

  app.get('/v1/admin/keys', { preHandler: admin }, async () => {
    const list = await keys.list();
    const policy = keys.policy?.();
    return {
      algorithm: keys.algorithm,
      active_kid: keys.activeKid?.() ?? null,
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
  });

  app.post('/v1/admin/keys/rotate', { preHandler: admin }, async (request) => {
    const body = parseOptionalBody(request, RotateBody);
    const previous = body.replace ?? keys.activeKid?.() ?? null;
    try {
      const kid = await keys.rotateNow(request.auth?.sub ?? null, previous ? { replace: previous } : {});
      return { kid, previous: previous === kid ? null : previous };
    } catch (err) {
      if (err instanceof KeyRotationUnsupportedError) {
        throw new ApiError('invalid_request', { description: err.message });
      }
      throw err;
    }
  });
}
