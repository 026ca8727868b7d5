// Shared public types of @tessera/core.
import type { KeyObject } from 'node:crypto';
import type { Alg } from './lib/algorithms.js';

export type { JsonWebKey } from './jwk/json-web-key.js';

/** A key bound to exactly one algorithm. Immutable; `keyObject` is imported once. */
export interface TesseraKey {
  readonly kid: string;
  readonly alg: Alg;
  readonly kind: 'secret' | 'public' | 'private';
  /** The secret, public or private KeyObject. */
  readonly keyObject: KeyObject;
  /** For 'private': its public half. */
  readonly publicKey?: KeyObject;
}

/** Keys looked up by `kid` (a plain map lookup; the token never chooses a key any other way). */
export interface KeySet {
  get(kid: string): TesseraKey | undefined;
  readonly size: number;
  list(): TesseraKey[];
}

/** JWS protected header as verified: `alg` is one the caller allowed. */
export interface JwsHeader {
  alg: Alg;
  typ?: string;
  kid?: string;
  [name: string]: unknown;
}

/** Registered claims (RFC 7519 section 4.1) plus Tessera's `sid` and application claims. */
export interface JwtPayload {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  sid?: string;
  [claim: string]: unknown;
}
