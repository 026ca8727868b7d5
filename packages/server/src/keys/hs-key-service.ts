// HS256/384/512: one shared secret (TESSERA_HS_SECRET) both signs and verifies. There is no
// keyring and no rotation: changing the secret is the rotation, and it invalidates every token.
// The JWKS is empty (a symmetric key is never published).
import { createHmac } from 'node:crypto';
import { importKey } from '@tessera/core';
import type { KeyService } from '../services/types.js';
import { type KeyServiceHooks, makeVerifiers } from './verifiers.js';

export interface CreateHsKeyServiceOptions extends KeyServiceHooks {
  /** TESSERA_HS_SECRET; required in production (the config refuses to start without it). */
  hsSecret?: string | undefined;
  /** Development fallback: the secret is derived from the master key, so restarts keep tokens valid. */
  masterKey?: Buffer;
}

export class KeyRotationUnsupportedError extends Error {
  constructor() {
    super(
      'HS algorithms use the single TESSERA_HS_SECRET: rotate by changing it (every token becomes invalid)',
    );
    this.name = 'KeyRotationUnsupportedError';
  }
}

export function createHsKeyService(opts: CreateHsKeyServiceOptions): KeyService {
  let secret: Buffer;
  if (opts.hsSecret) secret = Buffer.from(opts.hsSecret, 'utf8');
  else if (opts.masterKey) {
    opts.logger?.warn(
      {},
      'no TESSERA_HS_SECRET: deriving the HMAC secret from the master key (development only)',
    );
    secret = createHmac('sha512', opts.masterKey).update('tessera-hs-secret').digest();
  } else throw new TypeError('hsSecret is required for HS algorithms');
  const key = importKey(secret, { alg: opts.alg });
  const verifiers = makeVerifiers(opts, [key]);
  const sign = verifiers.signerFor(key);
  const startedAt = (opts.clock ?? { now: () => Date.now() }).now();
  return {
    algorithm: opts.alg,
    async start() {},
    async stop() {},
    signAccessToken(claims, o) {
      return sign(
        { ...claims, aud: o?.audience ?? claims.aud ?? opts.audience },
        o?.ttl === undefined ? undefined : { ttl: Math.min(o.ttl, opts.accessTtl) },
      );
    },
    verifyAccessToken: verifiers.verify,
    jwks: () => ({ keys: [] }),
    jwksMaxAge: () => 3600,
    async rotateNow() {
      throw new KeyRotationUnsupportedError();
    },
    async revokeKey() {
      throw new KeyRotationUnsupportedError();
    },
    async reload() {},
    async list() {
      return [
        {
          kid: key.kid,
          alg: opts.alg,
          state: 'active',
          createdAt: startedAt,
          activatedAt: startedAt,
          retiringAt: null,
          retiredAt: null,
        },
      ];
    },
    activeKid: () => key.kid,
    keyAgeSeconds: () => 0,
    policy: () => undefined,
    // No rotation, so nothing to announce.
    onRotated: () => () => undefined,
  };
}
