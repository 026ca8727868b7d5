// Where the CLI's keys come from: `--key FILE` (PEM: SPKI, PKCS#8, PKCS#1, SEC1, certificate; a
// JWK; a JWKS), `--jwks URL|FILE`, or `--secret-file FILE` (raw HMAC secret). A key that cannot
// serve the asked algorithm is a configuration error (exit 2), not an invalid token.
import {
  type Alg,
  importJwks,
  importKey,
  type JsonWebKey,
  type KeySet,
  publicKeyOf,
  type TesseraKey,
} from '@tessera/core';
import { UsageError } from '../command.js';
import { isHmac } from './algorithms.js';
import { parseJson, readFileOrFail, withoutTrailingNewline } from './input.js';

export type KeyMaterial =
  | { type: 'pem'; text: string; source: string }
  | { type: 'jwk'; jwk: JsonWebKey; source: string }
  | { type: 'jwks'; jwks: { keys: JsonWebKey[] }; source: string }
  | { type: 'secret'; bytes: Buffer; source: string };

export interface KeyFlags {
  key?: string | undefined;
  jwks?: string | undefined;
  'secret-file'?: string | undefined;
}

/** How long `--jwks URL` waits for the server. */
export const JWKS_FETCH_TIMEOUT_MS = 5000;

/** Reads the one key source given; `allowJwks: false` for signing. */
export async function readKeyMaterial(flags: KeyFlags, allowJwks = true): Promise<KeyMaterial> {
  const given = (['key', 'jwks', 'secret-file'] as const).filter((f) => flags[f] !== undefined);
  const choices = allowJwks ? '--key, --jwks or --secret-file' : '--key or --secret-file';
  if (given.length === 0) throw new UsageError(`a key is required: give ${choices}`);
  if (given.length > 1) throw new UsageError(`give only one of ${choices}`);
  if (flags['secret-file'] !== undefined) {
    const path = flags['secret-file'];
    const bytes = withoutTrailingNewline(readFileOrFail(path, '--secret-file'));
    if (bytes.length === 0) throw new UsageError(`--secret-file ${path} is empty`);
    return { type: 'secret', bytes, source: `--secret-file ${path}` };
  }
  if (flags.jwks !== undefined) {
    if (!allowJwks) throw new UsageError('--jwks holds public keys; signing needs --key or --secret-file');
    const where = flags.jwks;
    const text = /^https?:\/\//i.test(where)
      ? await fetchText(where)
      : readFileOrFail(where, '--jwks').toString('utf8');
    const parsed = parseJson(text, `--jwks ${where}`);
    const source = `--jwks ${where}`;
    if (isJwks(parsed)) return { type: 'jwks', jwks: parsed, source };
    if (isObject(parsed)) return { type: 'jwks', jwks: { keys: [parsed as JsonWebKey] }, source };
    throw new UsageError(`${source} is not a JWKS (an object with a "keys" array)`);
  }
  const path = flags.key!;
  const text = readFileOrFail(path, '--key').toString('utf8').trim();
  const source = `--key ${path}`;
  if (text.startsWith('-----BEGIN')) return { type: 'pem', text, source };
  if (text.startsWith('{')) {
    const parsed = parseJson(text, source);
    if (isJwks(parsed)) return { type: 'jwks', jwks: parsed, source };
    return { type: 'jwk', jwk: parsed as JsonWebKey, source };
  }
  throw new UsageError(`${source} is neither a PEM nor a JWK/JWKS (for a raw HMAC secret use --secret-file)`);
}

/**
 * Imports keys that can verify `algs`. A single key (PEM, JWK, secret) takes the token's `kid`
 * when it has none of its own, since the user named it explicitly; a JWKS keeps its kids.
 */
export function importVerificationKeys(
  material: KeyMaterial,
  algs: readonly Alg[],
  header: { alg?: unknown; kid?: unknown } = {},
): KeySet | TesseraKey {
  if (material.type === 'jwks') {
    let set: KeySet;
    try {
      set = importJwks(material.jwks, { algorithms: [...algs] });
    } catch (err) {
      throw new UsageError(`${material.source}: ${(err as Error).message}`, { cause: err });
    }
    if (set.size === 0)
      throw new UsageError(`${material.source} has no key that can serve ${algs.join(', ')}`);
    return set;
  }
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  const keys = importForAlgs(material, algs, kid).map((k) => (k.kind === 'private' ? publicKeyOf(k) : k));
  return keys.find((k) => k.alg === header.alg) ?? keys[0]!;
}

/** Imports a signing key (private or secret) for one algorithm. */
export function importSigningKey(material: KeyMaterial, alg: Alg, kid: string | undefined): TesseraKey {
  if (material.type === 'jwks')
    throw new UsageError(`${material.source} is a JWKS; signing needs one private key`);
  const [key] = importForAlgs(material, [alg], kid);
  if (key!.kind === 'public') {
    throw new UsageError(`${material.source} holds a public key; signing needs the private key`);
  }
  return key!;
}

function importForAlgs(material: Exclude<KeyMaterial, { type: 'jwks' }>, algs: readonly Alg[], kid?: string) {
  if (material.type === 'secret' && !algs.some(isHmac)) {
    throw new UsageError(`${material.source} holds an HMAC secret; it cannot serve ${algs.join(', ')}`);
  }
  const keyOwnAlg = material.type === 'jwk' ? material.jwk.alg : undefined;
  if (keyOwnAlg !== undefined && !algs.includes(keyOwnAlg as Alg)) {
    throw new UsageError(
      `${material.source} holds a key for ${keyOwnAlg}; it cannot serve ${algs.join(', ')}`,
    );
  }
  const ownKid =
    material.type === 'jwk' && typeof material.jwk.kid === 'string' ? material.jwk.kid : undefined;
  const keys: TesseraKey[] = [];
  let firstError: Error | undefined;
  for (const alg of algs) {
    try {
      const input =
        material.type === 'pem' ? material.text : material.type === 'jwk' ? material.jwk : material.bytes;
      const opts = ownKid ?? kid;
      keys.push(importKey(input, opts === undefined ? { alg } : { alg, kid: opts }));
    } catch (err) {
      firstError ??= err as Error;
    }
  }
  if (keys.length === 0) {
    const why = firstError?.message ? ` (${firstError.message})` : '';
    throw new UsageError(`${material.source} cannot serve ${algs.join(', ')}${why}`, { cause: firstError });
  }
  return keys;
}

async function fetchText(url: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(JWKS_FETCH_TIMEOUT_MS),
    });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const why =
      e.name === 'TimeoutError'
        ? `no answer within ${JWKS_FETCH_TIMEOUT_MS / 1000} s`
        : (e.cause?.code ?? e.message);
    throw new UsageError(`cannot fetch --jwks ${url}: ${why}`, { cause: err });
  }
  if (!response.ok) throw new UsageError(`cannot fetch --jwks ${url}: HTTP ${response.status}`);
  return response.text();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isJwks(value: unknown): value is { keys: JsonWebKey[] } {
  return isObject(value) && Array.isArray(value.keys);
}
