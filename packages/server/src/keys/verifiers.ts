// What the stored (asymmetric) and HS key services share: their options, the verifiers built over a
// key set (strict audience with a verified-token cache, or any audience), and rotation listeners.
import {
  type Alg,
  createSigner,
  createVerifier,
  type JwsHeader,
  type JwtPayload,
  type KeySet,
  type TesseraKey,
} from '@tessera/core';
import type { VerifiedAccessToken } from '../services/types.js';

/** Verifiers accept `exp` (and `nbf`) this many seconds off; revocations outlive tokens by as much. */
export const CLOCK_TOLERANCE_SEC = 30;

export interface KeyServiceHooks {
  alg: Alg;
  issuer: string;
  audience: string;
  accessTtl: number;
  clock?: { now(): number };
  logger?: { warn(obj: unknown, msg?: string): void; info?(obj: unknown, msg?: string): void };
  /** The deny-list (RevocationService.isRevoked); checked on every verification, cached or not. */
  isRevoked?: (payload: JwtPayload, header: JwsHeader) => boolean;
  /** Counts verification failures by error code (metrics). */
  onVerifyFailed?: (code: string) => void;
  /** Verified-token cache size; 0 turns it off. Default 10 000. */
  cacheMax?: number;
}

export interface Verifiers {
  verify(token: string, opts?: { anyAudience?: boolean }): VerifiedAccessToken;
  signerFor(key: TesseraKey): (claims: Record<string, unknown>, o?: { ttl?: number }) => string;
}

export function makeVerifiers(opts: KeyServiceHooks, keys: KeySet | TesseraKey[]): Verifiers {
  const now = opts.clock ? () => opts.clock!.now() : Date.now;
  const cacheMax = opts.cacheMax ?? 10_000;
  const common = {
    keys,
    algorithms: [opts.alg],
    issuer: opts.issuer,
    typ: 'at+jwt',
    clockTolerance: CLOCK_TOLERANCE_SEC,
    now,
    ...(opts.isRevoked ? { isRevoked: opts.isRevoked } : {}),
  };
  const strict = createVerifier({
    ...common,
    audience: opts.audience,
    ...(cacheMax > 0 ? { cache: { max: cacheMax } } : {}),
  });
  const anyAudience = createVerifier(common);
  return {
    verify(token, o) {
      try {
        return o?.anyAudience ? anyAudience(token) : strict(token);
      } catch (err) {
        opts.onVerifyFailed?.((err as { code?: string }).code ?? 'ERR_UNKNOWN');
        throw err;
      }
    },
    signerFor: (key) => createSigner({ key, issuer: opts.issuer, ttl: opts.accessTtl, now }),
  };
}

/** The `onRotated` listeners of a key service. */
export function rotationListeners(): {
  add(listener: (kid: string) => void): () => void;
  emit(kid: string): void;
} {
  const listeners = new Set<(kid: string) => void>();
  return {
    add(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(kid) {
      for (const listener of listeners) listener(kid);
    },
  };
}
