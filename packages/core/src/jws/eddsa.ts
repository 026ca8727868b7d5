// EdDSA with Ed25519 (RFC 8037 section 3.1): 64-byte signatures, no separate hash.
import { type KeyObject, sign, verify } from 'node:crypto';

export const ED25519_SIG_BYTES = 64;

export function eddsaSign(key: KeyObject, data: string | Uint8Array): Buffer {
  return sign(null, toBytes(data), key);
}

export function eddsaVerify(key: KeyObject, data: string | Uint8Array, sig: Uint8Array): boolean {
  if (sig.byteLength !== ED25519_SIG_BYTES) return false;
  try {
    return verify(null, toBytes(data), key, sig);
  } catch {
    return false;
  }
}

function toBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
}
