// Public API of @tessera/core (docs/contracts.md). Explicit named exports only.

export { decode as base64urlDecode, encode as base64urlEncode, isBase64url } from './base64url.js';
export {
  type ClaimReason,
  ERROR_CODES,
  type ErrorCode,
  isTesseraError,
  JoseAlgNotAllowed,
  JoseHeaderInvalid,
  JwksNoMatchingKey,
  JwsSignatureInvalid,
  JwtClaimInvalid,
  JwtExpired,
  JwtMalformed,
  JwtNotYetValid,
  JwtRevoked,
  JwtTooLarge,
  TesseraError,
} from './errors.js';
export { exportJwk, exportJwks, exportPrivateJwk } from './jwk/export.js';
export { type GenerateKeyOptions, generateKey } from './jwk/generate.js';
export { type ImportKeyOptions, importKey, publicKeyOf } from './jwk/import.js';
export type { KeyMaterial } from './jwk/key-material.js';
export { jwkThumbprint } from './jwk/thumbprint.js';
export { createKeySet, type ImportJwksOptions, importJwks } from './jwks/key-set.js';
export {
  createKeyring,
  type KeyRecord,
  type Keyring,
  type KeyState,
  planRotation,
  type RotationAction,
  type RotationPolicy,
} from './jwks/keyring.js';
export { type DecodedToken, decodeToken } from './jwt/decode.js';
export { createSigner, type Signer, type SignerOptions, type SignOverrides } from './jwt/sign.js';
export { createVerifier, type VerifiedToken, type Verifier, type VerifierOptions } from './jwt/verify.js';
export { ALGORITHMS, type Alg, isAlg } from './lib/algorithms.js';
export { parseDuration } from './lib/duration.js';
export { checkSecretStrength } from './lib/secret-strength.js';
export type { TokenCacheControl } from './lib/token-cache.js';
export type { JsonWebKey, JwsHeader, JwtPayload, KeySet, TesseraKey } from './types.js';
