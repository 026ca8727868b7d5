// Structural parsing of a JWS compact serialization (RFC 7515 section 7.1), shared by verify and
// decode. Each failure has its own static message; all are ERR_JWT_MALFORMED except the size limit.
import { isBase64urlRange } from '../base64url.js';
import { JwtMalformed, JwtTooLarge } from '../errors.js';
import { hasDuplicateKeys, parseJsonObject } from '../lib/strict-json.js';

export const DEFAULT_MAX_TOKEN_LENGTH = 8192;

/** Offsets of the two dots; checks type, size (first, before any decoding) and segment count. */
export function splitToken(token: unknown, maxLength: number): { d1: number; d2: number } {
  if (typeof token !== 'string') throw new JwtMalformed('token must be a string');
  if (token.length > maxLength) throw new JwtTooLarge();
  const d1 = token.indexOf('.');
  const d2 = d1 < 0 ? -1 : token.indexOf('.', d1 + 1);
  if (d2 < 0 || token.indexOf('.', d2 + 1) !== -1)
    throw new JwtMalformed('token must have exactly three segments');
  if (d1 === 0) throw new JwtMalformed('header segment is empty');
  if (d2 === d1 + 1) throw new JwtMalformed('payload segment is empty');
  if (d2 === token.length - 1) throw new JwtMalformed('signature segment is empty');
  return { d1, d2 };
}

/** base64url text (already checked to be canonical) to its UTF-8 string. */
export type Base64urlToText = (segment: string) => string;

const nodeText: Base64urlToText = (segment) => Buffer.from(segment, 'base64url').toString('utf8');

/** Decodes the header segment: strict base64url, a JSON object, no duplicate member names. */
export function parseHeaderSegment(segment: string): Record<string, unknown> {
  return parseHeaderText(segment, nodeText);
}

/**
 * The header rules with the base64url decoding passed in, so a browser (no Buffer) applies the same
 * rules through `@tessera/core/rules` with atob.
 */
export function parseHeaderText(segment: string, toText: Base64urlToText): Record<string, unknown> {
  if (!isBase64urlRange(segment, 0, segment.length)) throw new JwtMalformed('header is not base64url');
  const text = toText(segment);
  const header = parseJsonObject(text);
  if (header === undefined) throw new JwtMalformed('header is not a JSON object');
  if (hasDuplicateKeys(text)) throw new JwtMalformed('header has duplicate member names');
  return header;
}

/** The payload rules (strict base64url, a JSON object) with the decoding passed in, as above. */
export function parsePayloadText(segment: string, toText: Base64urlToText): Record<string, unknown> {
  if (!isBase64urlRange(segment, 0, segment.length)) throw new JwtMalformed('payload is not base64url');
  const payload = parseJsonObject(toText(segment));
  if (payload === undefined) throw new JwtMalformed('payload is not a JSON object');
  return payload;
}

/** The signature segment's rule: strict base64url (decoding is the caller's). */
export function checkSignatureSegment(token: string, start: number): void {
  if (!isBase64urlRange(token, start, token.length)) throw new JwtMalformed('signature is not base64url');
}

/** Decodes the payload segment of token[start, end): strict base64url and a JSON object. */
export function parsePayloadRange(token: string, start: number, end: number): Record<string, unknown> {
  return parsePayloadText(token.slice(start, end), nodeText);
}

/** Same, for a range whose alphabet the caller has already checked. */
export function decodePayloadRange(token: string, start: number, end: number): Record<string, unknown> {
  const payload = parseJsonObject(Buffer.from(token.slice(start, end), 'base64url').toString('utf8'));
  if (payload === undefined) throw new JwtMalformed('payload is not a JSON object');
  return payload;
}

/** Decodes the signature segment token[start, end) (strict base64url). */
export function parseSignatureRange(token: string, start: number): Buffer {
  checkSignatureSegment(token, start);
  return Buffer.from(token.slice(start), 'base64url');
}
