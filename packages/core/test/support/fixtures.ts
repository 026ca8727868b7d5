// Shared setting for the attack suite: a fixed clock, the legitimate issuer's keys (made with
// node:crypto, imported into Tessera from PEM/secret bytes) and honest token builders.
import { type Alg, importKey, type TesseraKey } from './contract.js';
import { forge } from './forge.js';
import { publicPem, type RawPair, rawPair } from './keys.js';

export const NOW_S = 1_800_000_000; // 2027-01-15, a whole second so ms/s rounding cannot matter
export const NOW_MS = NOW_S * 1000;
export const fixedNow = (): number => NOW_MS;
export const ISS = 'https://auth.example.com';
export const AUD = 'api.example.com';

export const claims = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  iss: ISS,
  aud: AUD,
  sub: 'u1',
  iat: NOW_S - 10,
  exp: NOW_S + 600,
  jti: 'jti-1',
  ...extra,
});

export interface LegitKey {
  pair: RawPair;
  /** What the verifier holds: the public half (or the secret) imported into Tessera. */
  key: TesseraKey;
  kid: string;
  alg: Alg;
}

const legit = new Map<string, LegitKey>();

/** The issuer's key for `alg`, imported from PEM (asymmetric) or raw bytes (HS*), kid `<alg>-k1`. */
export function legitKey(alg: Alg, label = 'default'): LegitKey {
  const id = `${alg}/${label}`;
  const hit = legit.get(id);
  if (hit) return hit;
  const pair = rawPair(alg, label);
  const kid = label === 'default' ? `${alg.toLowerCase()}-k1` : `${alg.toLowerCase()}-${label}`;
  const material = pair.secret ?? publicPem(pair);
  const entry: LegitKey = { pair, key: importKey(material, { alg, kid }), kid, alg };
  legit.set(id, entry);
  return entry;
}

/** An honest token from the legitimate issuer, signed with `alg`'s key. */
export function honest(alg: Alg, extraClaims: Record<string, unknown> = {}, extraHeader = {}): string {
  const { pair, kid } = legitKey(alg);
  return forge({
    header: { alg, typ: 'at+jwt', kid, ...extraHeader },
    payload: claims(extraClaims),
    key: pair.privateKey,
  });
}
