// HS256/384/512 (RFC 7518 section 3.2): HMAC over the signing input, compared in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type HmacHash = 'sha256' | 'sha384' | 'sha512';

export function hmacSign(hash: HmacHash, secret: Buffer, data: string | Uint8Array): Buffer {
  return createHmac(hash, secret).update(data).digest();
}

/**
 * Full-length tags only: JWS never truncates an HMAC, so a tag of any other length is refused
 * before the comparison (timingSafeEqual itself throws on a length mismatch).
 */
export function hmacVerify(
  hash: HmacHash,
  secret: Buffer,
  data: string | Uint8Array,
  tag: Uint8Array,
): boolean {
  const expected = createHmac(hash, secret).update(data).digest();
  return tag.byteLength === expected.byteLength && timingSafeEqual(expected, tag);
}
