// Keys, valid tokens and token mutations shared by the token targets.
import { createHmac } from 'node:crypto';
import { createKeySet, createSigner, createVerifier, exportJwk, generateKey } from '@tessera/core';
import fc from 'fast-check';

export const ISSUER = 'https://auth.fuzz.test';
export const AUDIENCE = 'fuzz-api';

const b64 = (value) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

let cached;

/** Keys and tokens are made once per process (RSA generation is slow on a busy machine). */
export function setup() {
  cached ??= makeSetup();
  return cached;
}

function makeSetup() {
  const keys = [
    generateKey('ES256', { kid: 'es' }),
    generateKey('EdDSA', { kid: 'ed' }),
    generateKey('RS256', { kid: 'rs' }),
    generateKey('HS256', { kid: 'hs' }),
  ];
  const valid = [];
  for (const key of keys) {
    const sign = createSigner({ key, issuer: ISSUER, audience: AUDIENCE, ttl: '1h' });
    valid.push(sign({ sub: 'u1', roles: ['user'] }));
    valid.push(sign({ sub: 'admin', roles: ['admin'], scope: 'a b', sid: 's1', nested: { x: [1, 2] } }));
  }
  const verify = createVerifier({
    keys: createKeySet(keys),
    algorithms: ['ES256', 'EdDSA', 'RS256', 'HS256'],
    issuer: ISSUER,
    audience: AUDIENCE,
  });
  const rsaPublic = exportJwk(keys[2]);
  const rsaPem = keys[2].publicKey?.export({ type: 'spki', format: 'pem' }) ?? '';
  // Headers an attacker would try: none, algorithm confusion, embedded or remote keys, kid tricks.
  const evilHeaders = [
    { alg: 'none', typ: 'at+jwt' },
    { alg: 'None' },
    { alg: 'HS256', kid: 'rs' },
    { alg: 'HS256', kid: 'es' },
    { alg: 'ES256', kid: 'es', jwk: exportJwk(keys[0]) },
    { alg: 'RS256', kid: 'rs', jku: 'https://evil.test/jwks.json' },
    { alg: 'RS256', kid: '../../../../etc/passwd' },
    { alg: 'ES256', kid: "es' OR '1'='1" },
    { alg: 'ES256', kid: 'es', crit: ['exp'] },
    { alg: 'ES256', kid: 'es', b64: false, crit: ['b64'] },
    { alg: 'ES256', kid: { $ne: null } },
    { alg: ['ES256'], kid: 'es' },
    { alg: 'ES256', kid: 'es', __proto__: { admin: true } },
    { alg: 'PS256', kid: 'rs' },
    { alg: 'RS512', kid: 'rs' },
    { alg: 'ES256K', kid: 'es' },
  ];
  return { keys, valid, verify, rsaPublic, rsaPem, evilHeaders };
}

/** Attacker-shaped tokens: real payloads and signatures recombined under hostile headers. */
export function craftedTokenArb(ctx) {
  const { valid, evilHeaders, rsaPem, rsaPublic } = ctx;
  const segment = (t, i) => t.split('.')[i] ?? '';
  return fc.oneof(
    fc
      .tuple(fc.constantFrom(...evilHeaders), fc.constantFrom(...valid), fc.constantFrom('', 'AAAA', 'sig'))
      .map(([h, t, sig]) => `${b64(h)}.${segment(t, 1)}.${sig || segment(t, 2)}`),
    // alg confusion: HS256 "signed" with the RSA public key as the secret
    fc.constantFrom(...valid).map((t) => {
      const header = b64({ alg: 'HS256', kid: 'rs', typ: 'at+jwt' });
      const payload = segment(t, 1);
      return `${header}.${payload}.${hmac(`${header}.${payload}`, rsaPem)}`;
    }),
    fc.constantFrom(...valid).map((t) => {
      const header = b64({ alg: 'HS256', kid: 'rs' });
      return `${header}.${segment(t, 1)}.${hmac(`${header}.${segment(t, 1)}`, JSON.stringify(rsaPublic))}`;
    }),
    // payload tampering under the original header and signature
    fc
      .tuple(fc.constantFrom(...valid), fc.jsonValue())
      .map(([t, claims]) => `${segment(t, 0)}.${b64(claims ?? null)}.${segment(t, 2)}`),
    fc
      .tuple(fc.constantFrom(...valid), fc.jsonValue(), fc.jsonValue())
      .map(([t, header, claims]) => `${b64(header ?? null)}.${b64(claims ?? null)}.${segment(t, 2)}`),
  );
}

function hmac(input, secret) {
  return createHmac('sha256', secret).update(input).digest('base64url');
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \u0000\u00ff{}"';

/** Applies `ops` random edits (flip, insert, delete, duplicate, truncate) to a string. */
export function mutate(input, ops) {
  let s = input;
  for (const [kind, a, b] of ops) {
    const i = s.length === 0 ? 0 : a % (s.length + 1);
    const ch = ALPHABET[b % ALPHABET.length];
    if (kind === 0)
      s = s.slice(0, i) + ch + s.slice(i + 1); // replace
    else if (kind === 1)
      s = s.slice(0, i) + ch + s.slice(i); // insert
    else if (kind === 2)
      s = s.slice(0, i) + s.slice(i + 1 + (b % 8)); // delete
    else if (kind === 3)
      s = s.slice(0, i) + s.slice(i, i + 1 + (b % 40)).repeat(2) + s.slice(i + 1 + (b % 40)); // duplicate
    else if (kind === 4)
      s = s.slice(0, i); // truncate
    else if (kind === 5) {
      // flip the case or the low bit of one character (base64url near-misses)
      const c = s.charCodeAt(i) || 65;
      s = s.slice(0, i) + String.fromCharCode(c ^ (b % 2 ? 32 : 1)) + s.slice(i + 1);
    }
  }
  return s;
}

export const editsArb = fc.array(fc.tuple(fc.nat(5), fc.nat(), fc.nat()), { minLength: 1, maxLength: 6 });
