// @tessera/core/rules: the verification rules that need no node: module, so a browser bundle (the
// console's token debugger) judges a token with exactly the code the verifier runs, not a copy.
// Structure, header and claim checks live here; signatures need a crypto engine and stay in the
// main entry (node:crypto) — a browser checks them with WebCrypto. A test keeps this graph free of
// node: imports.
export { isBase64url, isBase64urlRange } from './base64url.js';
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
export {
  type Base64urlToText,
  checkSignatureSegment,
  DEFAULT_MAX_TOKEN_LENGTH,
  parseHeaderText,
  parsePayloadText,
  splitToken,
} from './jws/compact.js';
export { checkHeader, normalizeTyp } from './jws/header.js';
export {
  type ClaimsPolicy,
  checkAudience,
  checkClaims,
  checkExp,
  checkIdentityClaims,
  checkIssuedAt,
  checkIssuer,
  checkNotBefore,
  checkRequiredClaims,
  isNumericDate,
} from './jwt/claims.js';
export {
  type Check,
  type CheckStatus,
  CLAIM_CHECKS,
  type ExplainClaimsOptions,
  explainClaims,
  explainWords,
} from './jwt/explain-claims.js';
export { ALG_INFO, ALGORITHMS, type Alg, type AlgInfo, isAlg } from './lib/algorithms.js';
export { hasDuplicateKeys, parseJsonObject } from './lib/strict-json.js';
export { describeDate, isoDate, relative, span } from './lib/time-words.js';
