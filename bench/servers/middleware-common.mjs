// Shared by the middleware benchmark servers: the key material and policy the suite passes in
// BENCH_MW (JSON), the verifier each contender builds from it, and the response every contender
// sends. Every contender checks the same things: algorithm allow-list, signature, iss, aud, exp.

import { createPublicKey } from 'node:crypto';
import { createVerifier, importKey } from '@tessera/core';
import { createRemoteVerifier } from '@tessera/verify';

/** @type {{ alg: 'HS256'|'ES256', issuer: string, audience: string, secret?: string, publicPem?: string, jwksUri?: string, sub: string }} */
export const config = JSON.parse(process.env.BENCH_MW ?? '{}');
if (!config.alg) throw new Error('BENCH_MW is not set (run through bench/suites/middleware.mjs)');

const auth = process.argv.find((a) => a.startsWith('--auth='));
/** The contender: none, tessera, tessera-cached, fastify-jwt, fastify-jwt-cached, express-jwt. */
export const contender = auth ? auth.slice('--auth='.length) : 'none';

/** HMAC secret bytes, or the public KeyObject: what the peer libraries are given. */
export const peerKey =
  config.alg === 'HS256' ? Buffer.from(config.secret, 'base64url') : createPublicKey(config.publicPem);

/**
 * What a service would run with @tessera/verify: for ES256 the remote verifier over the issuer's
 * JWKS (fetched once here; revocations off); for HS256, which no JWKS publishes, core's verifier
 * with the shared secret. Both check typ at+jwt on top of what the peers check.
 */
export async function tesseraVerifier(cached) {
  const cache = cached ? { cache: { max: 10_000 } } : {};
  if (config.alg === 'HS256') {
    return createVerifier({
      keys: importKey(Buffer.from(config.secret, 'base64url'), { alg: 'HS256', kid: 'hs1' }),
      algorithms: ['HS256'],
      issuer: config.issuer,
      audience: config.audience,
      typ: 'at+jwt',
      ...cache,
    });
  }
  const verifier = createRemoteVerifier({
    jwksUri: config.jwksUri,
    issuer: config.issuer,
    audience: config.audience,
    algorithms: ['ES256'],
    ...cache,
  });
  await verifier.ready();
  return verifier;
}

/** fast-jwt options, as @fastify/jwt passes them through. */
export function fastJwtVerifyOptions(cached) {
  return {
    algorithms: [config.alg],
    allowedIss: config.issuer,
    allowedAud: config.audience,
    ...(cached ? { cache: true } : {}),
  };
}

/** The JSON every contender answers: the caller's subject (a constant of the same size without auth). */
export function body(sub) {
  return { ok: true, sub, items: [1, 2, 3] };
}
