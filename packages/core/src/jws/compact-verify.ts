// JWS compact verification without the JWT layer: the payload is returned as bytes, whatever they
// are. Used for JWS test vectors (RFC 7515, 7520, 8037) whose payloads are not JSON claims, and
// available to callers that sign non-JWT content. Same header policy and key rules as createVerifier.

import { isBase64urlRange } from '../base64url.js';
import { JwsSignatureInvalid, JwtMalformed } from '../errors.js';
import { createKeySet } from '../jwks/key-set.js';
import { type Alg, algorithmSet } from '../lib/algorithms.js';
import type { JwsHeader, KeySet, TesseraKey } from '../types.js';
import { DEFAULT_MAX_TOKEN_LENGTH, parseSignatureRange, splitToken } from './compact.js';
import { JwsHeaderResolver } from './verify.js';

export interface JwsVerifyResult {
  header: JwsHeader;
  payload: Buffer;
}

export function verifyCompactJws(
  token: string,
  keys: KeySet | TesseraKey[],
  algorithms: Alg[],
  maxTokenLength = DEFAULT_MAX_TOKEN_LENGTH,
): JwsVerifyResult {
  const set = Array.isArray(keys) ? createKeySet(keys) : keys;
  const resolver = new JwsHeaderResolver(
    set,
    !Array.isArray(keys),
    algorithmSet(algorithms, 'algorithms'),
    undefined,
  );
  const { d1, d2 } = splitToken(token, maxTokenLength);
  const entry = resolver.resolve(token.slice(0, d1));
  const signature = parseSignatureRange(token, d2 + 1);
  if (!isBase64urlRange(token, d1 + 1, d2)) throw new JwtMalformed('payload is not base64url');
  if (!entry.verify(token.slice(0, d2), signature)) throw new JwsSignatureInvalid();
  return { header: entry.header, payload: Buffer.from(token.slice(d1 + 1, d2), 'base64url') };
}
