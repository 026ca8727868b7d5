// Our own JWK type (RFC 7517, RFC 7518 section 6, RFC 8037). Not node:crypto's JsonWebKey: newer
// @types/node versions no longer export it, and published types must compile against the
// @types/node a consumer has, old or new.

/** A JSON Web Key as parsed from JSON: every member optional, unknown members kept. */
export interface JsonWebKey {
  kty?: string;
  kid?: string;
  alg?: string;
  use?: string;
  key_ops?: string[];
  ext?: boolean;
  /** RSA */
  n?: string;
  e?: string;
  d?: string;
  p?: string;
  q?: string;
  dp?: string;
  dq?: string;
  qi?: string;
  /** EC and OKP */
  crv?: string;
  x?: string;
  y?: string;
  /** oct */
  k?: string;
  x5c?: string[];
  x5t?: string;
  'x5t#S256'?: string;
  x5u?: string;
  [member: string]: unknown;
}
