// createVerifier: all one-time work here (options, alg Set, iss/aud Sets, key map, caches); the
// returned function is synchronous and does, per token: size check, indexOf split, cached header
// lookup, alg/kid checks (cached), signature, payload JSON, claims, revocation.
import { isBase64urlRange } from '../base64url.js';
import { JwsSignatureInvalid, JwtExpired, JwtMalformed, JwtRevoked } from '../errors.js';
import { createKeySet, isImmutableKeySet } from '../jwks/key-set.js';
import {
  DEFAULT_MAX_TOKEN_LENGTH,
  decodePayloadRange,
  parseSignatureRange,
  splitToken,
} from '../jws/compact.js';
import { normalizeTyp } from '../jws/header.js';
import { JwsHeaderResolver } from '../jws/verify.js';
import { type Alg, algorithmSet } from '../lib/algorithms.js';
import { parseDuration } from '../lib/duration.js';
import {
  assertObject,
  optionalBoolean,
  optionalFunction,
  optionalPositiveInt,
  optionalString,
  optionalStringSet,
} from '../lib/options.js';
import { type CachedToken, TokenCache, type TokenCacheControl } from '../lib/token-cache.js';
import type { JwsHeader, JwtPayload, KeySet, TesseraKey } from '../types.js';
import { type ClaimsPolicy, checkClaims, isTooOld } from './claims.js';

export interface VerifierOptions {
  keys: KeySet | TesseraKey | TesseraKey[];
  algorithms: Alg[];
  issuer?: string | string[];
  audience?: string | string[];
  clockTolerance?: number | string;
  maxAge?: number | string;
  typ?: string;
  requiredClaims?: string[];
  requireExp?: boolean;
  maxTokenLength?: number;
  cache?: { max: number };
  isRevoked?: (payload: JwtPayload, header: JwsHeader) => boolean;
  now?: () => number;
}

export interface VerifiedToken {
  header: JwsHeader;
  payload: JwtPayload;
}

export interface Verifier {
  (token: string): VerifiedToken;
  readonly cache?: TokenCacheControl;
}

export function createVerifier(opts: VerifierOptions): Verifier {
  const o = assertObject(opts, 'opts');
  const allowed = algorithmSet(o.algorithms, 'opts.algorithms');
  const { keySet, mutable } = toKeySet(o.keys);
  const typOpt = optionalString(o.typ, 'opts.typ');
  const policy: ClaimsPolicy = {
    issuer: optionalStringSet(o.issuer, 'opts.issuer'),
    audience: optionalStringSet(o.audience, 'opts.audience'),
    clockTolerance: parseDuration(
      (o.clockTolerance as number | string | undefined) ?? 30,
      'opts.clockTolerance',
    ),
    maxAge: o.maxAge === undefined ? undefined : parseDuration(o.maxAge as number | string, 'opts.maxAge'),
    requireExp: optionalBoolean(o.requireExp, 'opts.requireExp') ?? true,
    requiredClaims: stringList(o.requiredClaims, 'opts.requiredClaims'),
  };
  const maxLength = optionalPositiveInt(o.maxTokenLength, 'opts.maxTokenLength') ?? DEFAULT_MAX_TOKEN_LENGTH;
  const isRevoked = optionalFunction<(p: JwtPayload, h: JwsHeader) => boolean>(o.isRevoked, 'opts.isRevoked');
  const now = optionalFunction<() => number>(o.now, 'opts.now') ?? Date.now;
  let tokenCache: TokenCache | undefined;
  if (o.cache !== undefined) {
    const c = assertObject(o.cache, 'opts.cache');
    tokenCache = new TokenCache(optionalPositiveInt(c.max, 'opts.cache.max') ?? 10_000);
  }
  const resolver = new JwsHeaderResolver(
    keySet,
    mutable,
    allowed,
    typOpt === undefined ? undefined : normalizeTyp(typOpt),
  );

  function verifyFromCache(token: string, entry: CachedToken): VerifiedToken {
    // Time moves on and keys go away: both are checked on every hit, like on a miss.
    const t = now() / 1000;
    if (t >= entry.expUntil) {
      tokenCache!.delete(token);
      throw new JwtExpired('exp');
    }
    if (isTooOld(entry.result.payload.iat as number, policy, t)) {
      tokenCache!.delete(token);
      throw new JwtExpired('iat', 'token is older than maxAge');
    }
    if (!resolver.holds(entry.key)) {
      tokenCache!.delete(token);
      return verify(token);
    }
    if (isRevoked?.(entry.result.payload, entry.result.header)) throw new JwtRevoked();
    return entry.result;
  }

  function verify(token: string): VerifiedToken {
    if (tokenCache !== undefined && typeof token === 'string' && token.length <= maxLength) {
      const hit = tokenCache.get(token);
      if (hit !== undefined) return verifyFromCache(token, hit);
    }
    const { d1, d2 } = splitToken(token, maxLength);
    const entry = resolver.resolve(token.slice(0, d1));
    const signature = parseSignatureRange(token, d2 + 1);
    // Untrusted payload: only its alphabet is checked before the signature; JSON after.
    if (!isBase64urlRange(token, d1 + 1, d2)) throw new JwtMalformed('payload is not base64url');
    if (!entry.verify(token.slice(0, d2), signature)) throw new JwsSignatureInvalid();
    const payload = decodePayloadRange(token, d1 + 1, d2);
    const expUntil = checkClaims(payload, policy, now() / 1000);
    if (isRevoked?.(payload as JwtPayload, entry.header)) throw new JwtRevoked();
    if (tokenCache === undefined) return { header: entry.header, payload: payload as JwtPayload };
    const result = Object.freeze({ header: entry.header, payload: deepFreeze(payload) as JwtPayload });
    tokenCache.set(token, {
      result,
      expUntil,
      key: entry.key,
      kid: entry.key.kid,
      jti: payload.jti as string | undefined,
      sid: payload.sid as string | undefined,
      hit: false,
    });
    return result;
  }

  if (tokenCache !== undefined)
    Object.defineProperty(verify, 'cache', { value: tokenCache, enumerable: true });
  return verify as Verifier;
}

function toKeySet(value: unknown): { keySet: KeySet; mutable: boolean } {
  if (Array.isArray(value)) return { keySet: createKeySet(value as TesseraKey[]), mutable: false };
  if (value !== null && typeof value === 'object') {
    const v = value as Partial<KeySet> & Partial<TesseraKey>;
    if (typeof v.get === 'function' && typeof v.list === 'function') {
      const set = v as KeySet;
      return { keySet: set, mutable: !isImmutableKeySet(set) };
    }
    if (typeof v.kid === 'string' && typeof v.alg === 'string' && v.keyObject !== undefined) {
      return { keySet: createKeySet([v as TesseraKey]), mutable: false };
    }
  }
  throw new TypeError('opts.keys must be a KeySet, a TesseraKey or an array of TesseraKeys');
}

function stringList(value: unknown, path: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new TypeError(`${path} must be an array of claim names`);
  value.forEach((v, i) => {
    if (typeof v !== 'string' || v.length === 0)
      throw new TypeError(`${path}[${i}] must be a non-empty string`);
  });
  return [...value];
}

/** Freezes a parsed JSON value iteratively (a deeply nested payload must not overflow the stack). */
function deepFreeze<T>(value: T): T {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
      Object.freeze(v);
      for (const child of Object.values(v))
        if (child !== null && typeof child === 'object') stack.push(child);
    }
  }
  return value;
}
