// The sign contenders for one algorithm. Each produces an equivalent access token: header
// {alg, typ: "at+jwt", kid}; claims iss, sub, aud, iat, exp (15 minutes), a fresh random jti per
// token, sid and roles. Peers get the same per-token jti cost that Tessera's signer pays.

import { createSigner as fastSigner } from 'fast-jwt';
import * as jose from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import { AUDIENCE, cryptoParams, ISSUER, randomId, TTL } from './fixtures.mjs';

/**
 * @param {ReturnType<import('./fixtures.mjs').makeKeys>} keys
 * @param {{ sub: string, sid: string, roles: string[] }} claims  the application claims
 * @param {any} core  @tessera/core, or null when it is not built yet
 */
export function signContenders(keys, claims, core) {
  const { alg, kid } = keys;
  const priv = keys.privateKey;
  const list = [];

  // floor: the raw signature of a fixed, realistic signing input (no JSON, no base64url, no ids).
  const { sign } = cryptoParams(alg);
  const input = Buffer.from(
    `${Buffer.from(JSON.stringify({ alg, typ: 'at+jwt', kid })).toString('base64url')}.` +
      Buffer.from(JSON.stringify({ iss: ISSUER, ...claims, aud: AUDIENCE })).toString('base64url'),
  );
  list.push({ name: 'floor', group: 'floor', floor: true, arg: input, fn: (i) => sign(i, priv) });

  // floor+encode (informational): the floor plus building the compact token around it, i.e.
  // JSON.stringify and base64url of header and payload and base64url of the signature. What a JWT
  // signer cannot avoid, short of caching the header segment and drawing the jti.
  const iat = Math.floor(Date.now() / 1000);
  const fixed = { iss: ISSUER, ...claims, aud: AUDIENCE, iat, exp: iat + TTL, jti: randomId() };
  list.push({
    name: 'floor+encode',
    group: 'floor',
    floor: true,
    arg: fixed,
    fn: (c) => {
      const h = Buffer.from(JSON.stringify({ alg, typ: 'at+jwt', kid })).toString('base64url');
      const si = `${h}.${Buffer.from(JSON.stringify(c)).toString('base64url')}`;
      return `${si}.${sign(Buffer.from(si), priv).toString('base64url')}`;
    },
  });

  if (core) {
    const key = core.importKey(keys.privateKey, { alg, kid });
    const signer = core.createSigner({ key, issuer: ISSUER, audience: AUDIENCE, ttl: '15m' });
    list.push({ name: 'tessera', group: 'tessera', arg: claims, fn: signer });
  }

  const header = { alg, typ: 'at+jwt', kid };
  list.push({
    name: 'jose',
    group: 'peer',
    async: true,
    arg: claims,
    fn: (c) =>
      new jose.SignJWT(c)
        .setProtectedHeader(header)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('15m')
        .setJti(randomId())
        .sign(priv),
  });

  if (alg !== 'EdDSA') {
    const opts = {
      algorithm: alg,
      keyid: kid,
      issuer: ISSUER,
      audience: AUDIENCE,
      expiresIn: TTL,
      header: { typ: 'at+jwt' },
    };
    list.push({
      name: 'jsonwebtoken',
      group: 'peer',
      arg: claims,
      fn: (c) => jsonwebtoken.sign({ ...c, jti: randomId() }, priv, opts),
    });
  }

  const fast = fastSigner({
    key: keys.privatePem,
    algorithm: alg,
    kid,
    iss: ISSUER,
    aud: AUDIENCE,
    expiresIn: TTL * 1000,
    header: { typ: 'at+jwt' },
  });
  list.push({ name: 'fast-jwt', group: 'peer', arg: claims, fn: (c) => fast({ ...c, jti: randomId() }) });

  return list;
}
