// createSigner: header {alg, typ, kid} encoded once per signer; each call adds iss, aud, iat, exp,
// jti to the claims, encodes the payload and signs the ASCII signing input.
import { assertUsableKey } from '../jwk/key-material.js';
import { prepareSign } from '../jws/primitive.js';
import { parseDuration } from '../lib/duration.js';
import { assertObject, optionalFunction, optionalString, optionalStringSet } from '../lib/options.js';
import { randomId } from '../lib/random-id.js';
import type { TesseraKey } from '../types.js';

export interface SignerOptions {
  key: TesseraKey;
  issuer?: string;
  audience?: string | string[];
  /** Default '15m'. */
  ttl?: string | number;
  /** Default 'at+jwt' (RFC 9068). */
  typ?: string;
  /** ms clock, default Date.now. */
  now?: () => number;
}

export interface SignOverrides {
  ttl?: string | number;
  jti?: string;
}

export type Signer = (claims: Record<string, unknown>, overrides?: SignOverrides) => string;

export function createSigner(opts: SignerOptions): Signer {
  const o = assertObject(opts, 'opts');
  const key = o.key as TesseraKey;
  if (!key || typeof key !== 'object' || typeof key.kid !== 'string') {
    throw new TypeError('opts.key must be a TesseraKey (from importKey or generateKey)');
  }
  assertUsableKey(key, 'opts.key');
  if (key.kind === 'public')
    throw new TypeError('opts.key must be a private or secret key, not a public key');
  const issuer = optionalString(o.issuer, 'opts.issuer');
  const audSet = optionalStringSet(o.audience, 'opts.audience');
  const audience = audSet === undefined ? undefined : audSet.size === 1 ? [...audSet][0] : [...audSet];
  const ttl = parseDuration((o.ttl as string | number | undefined) ?? '15m', 'opts.ttl');
  const typ = optionalString(o.typ, 'opts.typ') ?? 'at+jwt';
  const now = optionalFunction<() => number>(o.now, 'opts.now') ?? Date.now;
  const signBytes = prepareSign(key.alg, key.keyObject);
  const headerSegment = Buffer.from(JSON.stringify({ alg: key.alg, typ, kid: key.kid })).toString(
    'base64url',
  );

  return function sign(claims: Record<string, unknown>, overrides?: SignOverrides): string {
    if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) {
      throw new TypeError('claims must be an object');
    }
    const lifetime = overrides?.ttl === undefined ? ttl : parseDuration(overrides.ttl, 'overrides.ttl');
    const iat = Math.floor(now() / 1000);
    // Registered claims first (stable order), then the caller's; the caller's iat/exp/jti win.
    const payload: Record<string, unknown> = {
      iss: issuer,
      sub: undefined,
      aud: audience,
      exp: iat + Math.floor(lifetime),
      iat,
      jti: overrides?.jti ?? randomId(),
      ...claims,
    };
    if (overrides?.jti !== undefined) payload.jti = overrides.jti;
    const signingInput = `${headerSegment}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
    return `${signingInput}.${signBytes(signingInput).toString('base64url')}`;
  };
}
