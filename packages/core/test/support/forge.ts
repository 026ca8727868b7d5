// The attacker's toolkit: builds JWS compact tokens byte by byte with node:crypto, so a test controls
// every character of the header, payload and signature (raw JSON included: duplicate names, 1e400).
import { constants, createHmac, sign as cryptoSign, type KeyObject } from 'node:crypto';

export const b64u = (input: Buffer | Uint8Array | string): string =>
  Buffer.from(input as Uint8Array).toString('base64url');

/** A segment from an object (JSON.stringify) or from raw JSON text used verbatim. */
export const segment = (value: unknown): string =>
  b64u(typeof value === 'string' ? value : JSON.stringify(value));

const bitsOf = (alg: string): number => Number(alg.slice(2));

/** Signs `data` the way RFC 7518 section 3 says `alg` does; the key may be anything HMAC accepts. */
export function rawSign(alg: string, key: KeyObject | Buffer | string, data: string): Buffer {
  const input = Buffer.from(data, 'utf8');
  const family = alg.slice(0, 2);
  if (family === 'HS')
    return createHmac(`sha${bitsOf(alg)}`, key)
      .update(input)
      .digest();
  if (alg === 'EdDSA') return cryptoSign(null, input, key as KeyObject);
  const hash = `sha${bitsOf(alg)}`;
  if (family === 'RS') return cryptoSign(hash, input, key as KeyObject);
  if (family === 'PS') {
    return cryptoSign(hash, input, {
      key: key as KeyObject,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: bitsOf(alg) / 8,
    });
  }
  if (family === 'ES') return cryptoSign(hash, input, { key: key as KeyObject, dsaEncoding: 'ieee-p1363' });
  throw new TypeError(`forge: cannot sign ${alg}`);
}

export interface ForgeInput {
  /** Header object or raw JSON text. */
  header: unknown;
  /** Payload object or raw JSON text. */
  payload: unknown;
  /** Signing key; omitted means an empty signature. */
  key?: KeyObject | Buffer | string;
  /** Algorithm to sign with; defaults to the header's `alg`. */
  signAlg?: string;
}

/** Signs already-encoded segments (which may be deliberately non-canonical) and joins them. */
export function signSegments(
  headerSeg: string,
  payloadSeg: string,
  alg: string,
  key: ForgeInput['key'],
): string {
  const input = `${headerSeg}.${payloadSeg}`;
  const signature = key === undefined ? '' : b64u(rawSign(alg, key, input));
  return `${input}.${signature}`;
}

export function forge({ header, payload, key, signAlg }: ForgeInput): string {
  const alg = signAlg ?? (header as { alg?: string }).alg ?? 'HS256';
  return signSegments(segment(header), segment(payload), alg, key);
}

export const parts = (token: string): [string, string, string] => {
  const [h = '', p = '', s = ''] = token.split('.');
  return [h, p, s];
};

/** Replaces the signature segment with these bytes. */
export const withSignature = (token: string, signature: Buffer | Uint8Array): string => {
  const [h, p] = parts(token);
  return `${h}.${p}.${b64u(signature)}`;
};

export const signatureOf = (token: string): Buffer => Buffer.from(parts(token)[2], 'base64url');

/** Replaces the character at `index` of segment `which` with a different base64url character. */
export function flipChar(token: string, which: 0 | 1 | 2, index: number): string {
  const segs = parts(token);
  const seg = segs[which];
  const i = ((index % seg.length) + seg.length) % seg.length;
  const ch = seg[i];
  const replacement = ch === 'A' ? 'B' : 'A';
  segs[which] = seg.slice(0, i) + replacement + seg.slice(i + 1);
  return segs.join('.');
}
