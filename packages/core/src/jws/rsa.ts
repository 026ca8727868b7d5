// RS* (RSASSA-PKCS1-v1_5) and PS* (RSASSA-PSS, MGF1 with the same hash, salt length = hash length),
// RFC 7518 sections 3.3 and 3.5.
import { constants, type KeyObject, sign, verify } from 'node:crypto';

type Hash = 'sha256' | 'sha384' | 'sha512';

export function rsaSign(hash: Hash, key: KeyObject, data: string | Uint8Array): Buffer {
  return sign(hash, toBytes(data), key);
}

export function rsaVerify(hash: Hash, key: KeyObject, data: string | Uint8Array, sig: Uint8Array): boolean {
  try {
    return verify(hash, toBytes(data), key, sig);
  } catch {
    return false;
  }
}

/** The key options for PSS; built once per key and reused on every call. */
export function pssOptions(key: KeyObject, saltLength: number) {
  return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength };
}

export function pssSign(hash: Hash, opts: ReturnType<typeof pssOptions>, data: string | Uint8Array): Buffer {
  return sign(hash, toBytes(data), opts);
}

export function pssVerify(
  hash: Hash,
  opts: ReturnType<typeof pssOptions>,
  data: string | Uint8Array,
  sig: Uint8Array,
): boolean {
  try {
    return verify(hash, toBytes(data), opts, sig);
  } catch {
    return false;
  }
}

function toBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
}
