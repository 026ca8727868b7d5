// Decoding a pasted token with core's own structural rules (@tessera/core/rules: split, strict
// base64url, JSON objects, no duplicate header names); only the base64url → text step is the
// browser's (atob + TextDecoder), since core's default uses Node's Buffer.
import {
  checkSignatureSegment,
  DEFAULT_MAX_TOKEN_LENGTH,
  parseHeaderText,
  parsePayloadText,
  splitToken,
} from '@tessera/core/rules';

export function base64urlBytes(segment: string): Uint8Array<ArrayBuffer> {
  const b64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const toText = (segment: string) => utf8.decode(base64urlBytes(segment));

export interface DecodedParts {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** The bytes the signature covers (header.payload). */
  signingInput: Uint8Array<ArrayBuffer>;
  signature: Uint8Array<ArrayBuffer>;
}

/** Throws core's TesseraError (ERR_JWT_MALFORMED, ERR_JWT_TOO_LARGE) exactly where core would. */
export function decodeParts(token: string): DecodedParts {
  const { d1, d2 } = splitToken(token, DEFAULT_MAX_TOKEN_LENGTH);
  const header = parseHeaderText(token.slice(0, d1), toText);
  const payload = parsePayloadText(token.slice(d1 + 1, d2), toText);
  checkSignatureSegment(token, d2 + 1);
  return {
    header,
    payload,
    signingInput: new TextEncoder().encode(token.slice(0, d2)),
    signature: base64urlBytes(token.slice(d2 + 1)),
  };
}
