// Correctness checks run before anything is timed: a contender that does not really verify (or
// sign) would win a benchmark for free. Any failure aborts the run.

import { isDeepStrictEqual } from 'node:util';
import { AUDIENCE, cryptoParams, ISSUER, TTL } from './fixtures.mjs';

async function call(c, arg) {
  return c.async ? await c.fn(arg) : c.fn(arg);
}

async function rejects(c, token) {
  try {
    const r = await call(c, token);
    return c.floor ? r === false : false; // floors signal failure by returning false
  } catch {
    return !c.floor;
  }
}

/**
 * Every verifier must return the expected claims for the good token (twice for cached ones: the
 * second call is a cache hit) and reject every bad one. Floors only check the signature, so they
 * must reject just the tampered tokens.
 * @returns {Promise<string[]>} failures
 */
export async function checkVerifiers(contenders, tokens) {
  const failures = [];
  for (const c of contenders) {
    for (let i = 0; i < (c.cached ? 2 : 1); i++) {
      let result;
      try {
        result = await call(c, tokens.token);
      } catch (err) {
        failures.push(`${c.name}: rejected the good token (${err?.code ?? err?.message})`);
        break;
      }
      if (
        c.floor ? !result : !isDeepStrictEqual(c.payloadOf ? c.payloadOf(result) : result, tokens.payload)
      ) {
        failures.push(`${c.name}: did not return the expected claims for the good token`);
      }
    }
    for (const [what, bad] of Object.entries(tokens.bad)) {
      if (c.floor && !what.startsWith('tampered')) continue;
      if (!(await rejects(c, bad))) failures.push(`${c.name}: accepted a token with ${what}`);
    }
  }
  return failures;
}

function decodePart(s) {
  return JSON.parse(Buffer.from(s, 'base64url').toString());
}

/**
 * Every signer must produce a token whose signature verifies with the public key, with the
 * expected header and claims, a 15-minute lifetime and a fresh jti per token.
 * @returns {Promise<string[]>} failures
 */
export async function checkSigners(contenders, keys, claims) {
  const failures = [];
  const { verify } = cryptoParams(keys.alg);
  const nowSec = Date.now() / 1000;
  for (const c of contenders) {
    if (c.name === 'floor+encode') {
      const [h, p, s] = (await call(c, c.arg)).split('.');
      if (!verify(Buffer.from(`${h}.${p}`), Buffer.from(s, 'base64url'), keys.publicKey)) {
        failures.push(`${c.name}: signature does not verify`);
      }
      continue;
    }
    if (c.floor) {
      const sig = await call(c, c.arg);
      if (!verify(c.arg, sig, keys.publicKey)) failures.push(`${c.name}: signature does not verify`);
      continue;
    }
    const t1 = await call(c, c.arg);
    const t2 = await call(c, c.arg);
    const fail = (why) => failures.push(`${c.name}: ${why}`);
    if (typeof t1 !== 'string' || t1.split('.').length !== 3) {
      fail('did not return a compact JWS');
      continue;
    }
    const [h, p, s] = t1.split('.');
    if (!verify(Buffer.from(`${h}.${p}`), Buffer.from(s, 'base64url'), keys.publicKey))
      fail('signature does not verify');
    const header = decodePart(h);
    const payload = decodePart(p);
    if (header.alg !== keys.alg || header.kid !== keys.kid || header.typ !== 'at+jwt') {
      fail(`unexpected header ${JSON.stringify(header)}`);
    }
    const expect = { iss: ISSUER, aud: AUDIENCE, sub: claims.sub, sid: claims.sid, roles: claims.roles };
    for (const [name, value] of Object.entries(expect)) {
      if (!isDeepStrictEqual(payload[name], value)) fail(`claim ${name} is ${JSON.stringify(payload[name])}`);
    }
    if (payload.exp - payload.iat !== TTL) fail(`lifetime is ${payload.exp - payload.iat} s, not ${TTL}`);
    if (Math.abs(payload.iat - nowSec) > 60) fail(`iat ${payload.iat} is not now`);
    if (typeof payload.jti !== 'string' || payload.jti.length < 16) fail('no 96-bit jti');
    if (decodePart(t2.split('.')[1]).jti === payload.jti) fail('the same jti twice');
  }
  return failures;
}
