// The verify contenders for one algorithm. Each is built once; `payloadOf` maps its return value to
// the claims so the correctness check can compare them. Every library gets the same claims policy:
// the algorithm allow-list, iss, aud and exp.

import { createVerifier as fastVerifier } from 'fast-jwt';
import * as jose from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import { AUDIENCE, cryptoParams, ISSUER } from './fixtures.mjs';

/**
 * @param {ReturnType<import('./fixtures.mjs').makeKeys>} keys
 * @param {any} core      @tessera/core, or null when it is not built yet
 */
export function verifyContenders(keys, core) {
  const { alg } = keys;
  const list = [];
  const params = cryptoParams(alg);

  // floor: only the signature check on the signing input, which every verifier must do.
  const floorVerify = params.verify;
  const pub = keys.publicKey;
  list.push({
    name: 'floor',
    group: 'floor',
    floor: true,
    fn: (t) => {
      const dot = t.lastIndexOf('.');
      return floorVerify(Buffer.from(t.slice(0, dot)), Buffer.from(t.slice(dot + 1), 'base64url'), pub);
    },
  });

  // floor+decode: the floor plus decoding and parsing header and payload, the least a JWT
  // verifier can do before it checks claims.
  list.push({
    name: 'floor+decode',
    group: 'floor',
    floor: true,
    fn: (t) => {
      const d1 = t.indexOf('.');
      const d2 = t.lastIndexOf('.');
      const header = JSON.parse(Buffer.from(t.slice(0, d1), 'base64url').toString());
      const payload = JSON.parse(Buffer.from(t.slice(d1 + 1, d2), 'base64url').toString());
      const ok = floorVerify(Buffer.from(t.slice(0, d2)), Buffer.from(t.slice(d2 + 1), 'base64url'), pub);
      return ok && header.alg === alg ? payload : false;
    },
  });

  if (core) {
    const key = core.importKey(keys.publicKey, { alg, kid: keys.kid });
    const policy = { keys: key, algorithms: [alg], issuer: ISSUER, audience: AUDIENCE };
    const verify = core.createVerifier(policy);
    list.push({ name: 'tessera', group: 'tessera', fn: verify, payloadOf: (r) => r.payload });
    const cached = core.createVerifier({ ...policy, cache: { max: 10_000 } });
    list.push({
      name: 'tessera cached',
      group: 'tessera',
      cached: true,
      fn: cached,
      payloadOf: (r) => r.payload,
    });
  }

  // jose: async (WebCrypto), awaited in the loop because that is its real cost to a caller.
  const joseOpts = { algorithms: [alg], issuer: ISSUER, audience: AUDIENCE };
  list.push({
    name: 'jose',
    group: 'peer',
    async: true,
    fn: (t) => jose.jwtVerify(t, pub, joseOpts),
    payloadOf: (r) => r.payload,
  });

  // jsonwebtoken has no EdDSA.
  if (alg !== 'EdDSA') {
    const jwtOpts = { algorithms: [alg], issuer: ISSUER, audience: AUDIENCE };
    list.push({ name: 'jsonwebtoken', group: 'peer', fn: (t) => jsonwebtoken.verify(t, pub, jwtOpts) });
  }

  const fastOpts = { key: keys.publicPem, algorithms: [alg], allowedIss: ISSUER, allowedAud: AUDIENCE };
  list.push({ name: 'fast-jwt', group: 'peer', fn: fastVerifier(fastOpts) });
  list.push({
    name: 'fast-jwt cached',
    group: 'peer-cached',
    cached: true,
    fn: fastVerifier({ ...fastOpts, cache: true }),
  });

  return list;
}
