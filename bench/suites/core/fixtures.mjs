// Keys, claims and tokens for the core suite, built with node:crypto alone so the benchmark does
// not depend on any contender to produce its inputs. Every verifier verifies the SAME token.

import crypto from 'node:crypto';

export const ISSUER = 'https://auth.example.com';
export const AUDIENCE = 'api.example.com';
export const TTL = 900; // 15 minutes

export const DEFAULT_ALGS = ['HS256', 'RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'];
export const ALL_ALGS = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

const HASH = { 256: 'sha256', 384: 'sha384', 512: 'sha512' };

/** How node:crypto signs and verifies one JWS algorithm (RFC 7518 section 3). */
export function cryptoParams(alg) {
  const family = alg.slice(0, 2);
  const hash = alg === 'EdDSA' ? null : HASH[alg.slice(2)];
  const keyOpts = (key) => {
    if (family === 'PS') {
      return {
        key,
        padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
        saltLength: crypto.constants.RSA_PSS_SALTLEN_DIGEST,
      };
    }
    if (family === 'ES') return { key, dsaEncoding: 'ieee-p1363' };
    return key;
  };
  if (family === 'HS') {
    return {
      hash,
      sign: (input, key) => crypto.createHmac(hash, key).update(input).digest(),
      verify: (input, sig, key) => {
        const mac = crypto.createHmac(hash, key).update(input).digest();
        return mac.length === sig.length && crypto.timingSafeEqual(mac, sig);
      },
    };
  }
  return {
    hash,
    sign: (input, key) => crypto.sign(hash, input, keyOpts(key)),
    verify: (input, sig, key) => crypto.verify(hash, input, keyOpts(key), sig),
    keyOpts,
  };
}

/** A fresh key pair (or secret) for `alg`, as KeyObjects and PEM (fast-jwt wants PEM). */
export function makeKeys(alg) {
  const kid = `bench-${alg.toLowerCase()}`;
  const family = alg.slice(0, 2);
  if (family === 'HS') {
    const secret = crypto.randomBytes(Number(alg.slice(2)) / 8);
    const key = crypto.createSecretKey(secret);
    return { alg, kid, secret, privateKey: key, publicKey: key, privatePem: secret, publicPem: secret };
  }
  let pair;
  if (family === 'RS' || family === 'PS') pair = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  else if (alg === 'EdDSA') pair = crypto.generateKeyPairSync('ed25519');
  else
    pair = crypto.generateKeyPairSync('ec', {
      namedCurve: { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' }[alg],
    });
  return {
    alg,
    kid,
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    privatePem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    publicPem: pair.publicKey.export({ type: 'spki', format: 'pem' }),
  };
}

/** 96 random bits, base64url: 16 characters, the size of `jti` and `sid`. */
export function randomId() {
  return crypto.randomBytes(12).toString('base64url');
}

/** The claims a realistic access token carries. */
export function accessClaims(nowSec = Math.floor(Date.now() / 1000)) {
  return {
    iss: ISSUER,
    sub: `u_${crypto.randomBytes(12).toString('base64url')}`,
    aud: AUDIENCE,
    iat: nowSec,
    exp: nowSec + TTL,
    jti: randomId(),
    sid: randomId(),
    roles: ['user'],
  };
}

const b64json = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Signs a compact JWS with node:crypto directly. */
export function signToken(keys, payload, header = { alg: keys.alg, typ: 'at+jwt', kid: keys.kid }) {
  const input = `${b64json(header)}.${b64json(payload)}`;
  const sig = cryptoParams(keys.alg).sign(Buffer.from(input), keys.privateKey);
  return `${input}.${sig.toString('base64url')}`;
}

/** Flips one base64url character in the middle of a segment (0 header, 1 payload, 2 signature). */
export function tamper(token, segment) {
  const parts = token.split('.');
  const s = parts[segment];
  const i = s.length >> 1;
  parts[segment] = s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
  return parts.join('.');
}

/**
 * The good token and the bad ones every verifier must reject: a broken signature, a changed
 * payload under the old signature, and validly signed tokens with the wrong iss, aud or an exp long
 * past (beyond any clock tolerance).
 */
export function tokenSet(keys) {
  const now = Math.floor(Date.now() / 1000);
  const payload = accessClaims(now);
  const token = signToken(keys, payload);
  const forged = { ...payload, roles: ['admin'] };
  const [h, , sig] = token.split('.');
  return {
    payload,
    token,
    bad: {
      'tampered signature': tamper(token, 2),
      'tampered payload': `${h}.${b64json(forged)}.${sig}`,
      'wrong iss': signToken(keys, { ...payload, iss: 'https://evil.example.com' }),
      'wrong aud': signToken(keys, { ...payload, aud: 'other.example.com' }),
      expired: signToken(keys, { ...payload, iat: now - 7200, exp: now - 3600 }),
    },
  };
}
