// What the stored (asymmetric) and HS key services share: the KeyService they implement, the
// extras the operations routes use, and the verifiers built over a key set.
import {
  type Alg,
  createSigner,
  createVerifier,
  type JwsHeader,
  type JwtPayload,
  type KeySet,
  type TesseraKey,
} from '@tessera/core';
import type { KeyService } from '../services/types.js';
import type { RotationPolicy } from './rotation-policy.js';

export interface KeyServiceHooks {
  alg: Alg;
  issuer: string;
  audience: string;
  accessTtl: number;
  clock?: { now(): number };
  logger?: { warn(obj: unknown, msg?: string): void; info?(obj: unknown, msg?: string): void };
  /** The deny-list (RevocationService.isRevoked); checked on every verification, cached or not. */
  isRevoked?: (payload: JwtPayload) => boolean;
  /** Counts verification failures by error code (metrics). */
  onVerifyFailed?: (code: string) => void;
  /** Verified-token cache size; 0 turns it off. Default 10 000. */
  cacheMax?: number;
}

export interface KeyServiceBase extends KeyService {
  /** Like verifyAccessToken but accepts any audience (introspection of client_credentials tokens). */
  verifyAnyAudience(token: string): { header: JwsHeader; payload: JwtPayload };
  activeKid(): string | undefined;
  /** Seconds since the signing key was activated (the key-age metric). */
  keyAgeSeconds(): number;
  policy(): RotationPolicy | undefined;
}

export interface Verifiers {
  verify(token: string): { header: JwsHeader; payload: JwtPayload };
  verifyAnyAudience(token: string): { header: JwsHeader; payload: JwtPayload };
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
    clockTolerance: 30,
    now,
    ...(opts.isRevoked ? { isRevoked: opts.isRevoked } : {}),
  };
  const strict = createVerifier({
    ...common,
    audience: opts.audience,
    ...(cacheMax > 0 ? { cache: { max: cacheMax } } : {}),
  });
  const anyAudience = createVerifier(common);
  const counted = (fn: (t: string) => { header: JwsHeader; payload: JwtPayload }) => (token: string) => {
    try {
      return fn(token);
    } catch (err) {
      opts.onVerifyFailed?.((err as { code?: string }).code ?? 'ERR_UNKNOWN');
      throw err;
    }
  };
  return {
    verify: counted(strict),
    verifyAnyAudience: counted(anyAudience),
    signerFor: (key) => createSigner({ key, issuer: opts.issuer, ttl: opts.accessTtl, now }),
  };
}
