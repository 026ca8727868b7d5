// The closed list of JWS algorithms (RFC 7518 section 3, RFC 8037) and what each needs from a key.
// `none` is not an Alg: there is no way to name it, so no option can enable it.

export type Alg =
  | 'HS256'
  | 'HS384'
  | 'HS512'
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA';

export type AlgFamily = 'HS' | 'RS' | 'PS' | 'ES' | 'EdDSA';

export interface AlgInfo {
  readonly alg: Alg;
  readonly family: AlgFamily;
  /** node:crypto digest name; undefined for EdDSA (the hash is part of the scheme). */
  readonly hash: 'sha256' | 'sha384' | 'sha512' | undefined;
  /** Digest size in bytes (the PSS salt length, the HMAC tag length). */
  readonly hashBytes: number;
  /** JWK curve for ES/EdDSA. */
  readonly crv?: 'P-256' | 'P-384' | 'P-521' | 'Ed25519';
  /** node's name of the curve (asymmetricKeyDetails.namedCurve). */
  readonly nodeCurve?: 'prime256v1' | 'secp384r1' | 'secp521r1';
  /** Exact signature length in bytes for ES (R||S) and EdDSA; 0 when it depends on the key. */
  readonly sigBytes: number;
  readonly kty: 'oct' | 'RSA' | 'EC' | 'OKP';
}

function info(alg: Alg, family: AlgFamily, bits: 256 | 384 | 512, extra: Partial<AlgInfo> = {}): AlgInfo {
  const kty = family === 'HS' ? 'oct' : family === 'ES' ? 'EC' : family === 'EdDSA' ? 'OKP' : 'RSA';
  return Object.freeze({
    alg,
    family,
    hash: family === 'EdDSA' ? undefined : (`sha${bits}` as const),
    hashBytes: bits / 8,
    sigBytes: 0,
    kty,
    ...extra,
  });
}

export const ALG_INFO: Readonly<Record<Alg, AlgInfo>> = Object.freeze({
  HS256: info('HS256', 'HS', 256, { sigBytes: 32 }),
  HS384: info('HS384', 'HS', 384, { sigBytes: 48 }),
  HS512: info('HS512', 'HS', 512, { sigBytes: 64 }),
  RS256: info('RS256', 'RS', 256),
  RS384: info('RS384', 'RS', 384),
  RS512: info('RS512', 'RS', 512),
  PS256: info('PS256', 'PS', 256),
  PS384: info('PS384', 'PS', 384),
  PS512: info('PS512', 'PS', 512),
  ES256: info('ES256', 'ES', 256, { crv: 'P-256', nodeCurve: 'prime256v1', sigBytes: 64 }),
  ES384: info('ES384', 'ES', 384, { crv: 'P-384', nodeCurve: 'secp384r1', sigBytes: 96 }),
  ES512: info('ES512', 'ES', 512, { crv: 'P-521', nodeCurve: 'secp521r1', sigBytes: 132 }),
  EdDSA: info('EdDSA', 'EdDSA', 512, { crv: 'Ed25519', sigBytes: 64 }),
});

export const ALGORITHMS: readonly Alg[] = Object.freeze(Object.keys(ALG_INFO) as Alg[]);

/** RSA keys below this modulus size are refused (RFC 7518 section 3.3: 2048 bits or larger). */
export const MIN_RSA_BITS = 2048;

/** HMAC secrets shorter than this are refused (see README, "Policy"). */
export const MIN_HMAC_SECRET_BYTES = 32;

export function isAlg(value: unknown): value is Alg {
  return typeof value === 'string' && Object.hasOwn(ALG_INFO, value);
}

/** Validates an option naming one algorithm; TypeError names the option path. */
export function assertAlg(value: unknown, path: string): Alg {
  if (!isAlg(value)) {
    throw new TypeError(`${path} must be one of ${ALGORITHMS.join(', ')}`);
  }
  return value;
}

/** Validates a non-empty list of algorithms; returns a Set for O(1) checks on the hot path. */
export function algorithmSet(value: unknown, path: string): Set<Alg> {
  if (!Array.isArray(value) || value.length === 0) {
    throw new TypeError(`${path} must be a non-empty array of algorithms`);
  }
  const set = new Set<Alg>();
  value.forEach((alg, i) => {
    set.add(assertAlg(alg, `${path}[${i}]`));
  });
  return set;
}
