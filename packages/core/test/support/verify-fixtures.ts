// Shared fixtures of the createVerifier unit tests (src/jwt/verify*.test.ts): a fixed clock, keys,
// a claims set, and helpers that build hostile tokens by hand.
import type { ErrorCode } from '../../src/errors.js';
import { generateKey } from '../../src/jwk/generate.js';
import { importKey, publicKeyOf } from '../../src/jwk/import.js';
import { prepareSign } from '../../src/jws/primitive.js';
import type { Alg } from '../../src/lib/algorithms.js';
import type { TesseraKey } from '../../src/types.js';

export const NOW = 1_800_000_000_000; // fixed ms clock
export const now = () => NOW;
export const T = NOW / 1000;
export const b64 = (v: unknown) =>
  Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** Signs any header/payload text with the key's primitive (to build hostile tokens). */
export function craft(key: TesseraKey, header: unknown, payload: unknown): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${prepareSign(key.alg, key.keyObject)(input).toString('base64url')}`;
}

export function code(fn: () => unknown): ErrorCode | string {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code ?? (err as Error).name;
  }
  return 'no error';
}

export const es = generateKey('ES256', { kid: 'es' });
export const hs = importKey(Buffer.alloc(32, 7), { alg: 'HS256', kid: 'hs' });
export const claims = {
  iss: 'https://auth.example.com',
  aud: 'api.example.com',
  sub: 'u1',
  exp: T + 60,
  iat: T,
};
export const header = { alg: 'ES256', typ: 'at+jwt', kid: 'es' };
export const base = {
  keys: [publicKeyOf(es), hs],
  algorithms: ['ES256', 'HS256'] as Alg[],
  issuer: 'https://auth.example.com',
  audience: 'api.example.com',
  now,
};
