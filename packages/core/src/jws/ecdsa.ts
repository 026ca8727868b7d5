// ES256/384/512 (RFC 7518 section 3.4): the signature is R||S, each left-padded to the curve size
// (IEEE P1363). DER-encoded signatures and any other length are refused before the crypto call.
import { type KeyObject, sign, verify } from 'node:crypto';

type Hash = 'sha256' | 'sha384' | 'sha512';

/** Key options with the JWS signature encoding; built once per key. */
export function ecdsaOptions(key: KeyObject) {
  return { key, dsaEncoding: 'ieee-p1363' as const };
}

export function ecdsaSign(
  hash: Hash,
  opts: ReturnType<typeof ecdsaOptions>,
  data: string | Uint8Array,
): Buffer {
  return sign(hash, toBytes(data), opts);
}

export function ecdsaVerify(
  hash: Hash,
  opts: ReturnType<typeof ecdsaOptions>,
  sigBytes: number,
  data: string | Uint8Array,
  sig: Uint8Array,
): boolean {
  if (sig.byteLength !== sigBytes) return false;
  try {
    return verify(hash, toBytes(data), opts, sig);
  } catch {
    return false;
  }
}

function toBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
}
