// decodeToken: the structure of a token without checking its signature (CLI `token decode`, the
// console debugger). Same structural checks as verify; nothing here means the token is valid.
import {
  DEFAULT_MAX_TOKEN_LENGTH,
  parseHeaderSegment,
  parsePayloadRange,
  parseSignatureRange,
  splitToken,
} from '../jws/compact.js';
import { assertObject, optionalPositiveInt } from '../lib/options.js';

export interface DecodedToken {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signature: Buffer;
}

export function decodeToken(token: string, opts: { maxTokenLength?: number } = {}): DecodedToken {
  const o = assertObject(opts, 'opts');
  const max = optionalPositiveInt(o.maxTokenLength, 'opts.maxTokenLength') ?? DEFAULT_MAX_TOKEN_LENGTH;
  const { d1, d2 } = splitToken(token, max);
  const header = parseHeaderSegment(token.slice(0, d1));
  const payload = parsePayloadRange(token, d1 + 1, d2);
  const signature = parseSignatureRange(token, d2 + 1);
  return { header, payload, signature };
}
