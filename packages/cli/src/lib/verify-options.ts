// The options `token verify` and `token explain` share, parsed once into a verification plan.
import { type Alg, decodeToken, type KeySet, type TesseraKey } from '@tessera/core';
import { type Io, UsageError } from '../command.js';
import { parseAlgList } from './algorithms.js';
import { onePositional, parseOptions, required } from './args.js';
import { readToken } from './input.js';
import { importVerificationKeys, type KeyMaterial, readKeyMaterial } from './key-source.js';

export const VERIFY_OPTIONS = {
  key: { type: 'string' },
  jwks: { type: 'string' },
  'secret-file': { type: 'string' },
  alg: { type: 'string' },
  iss: { type: 'string' },
  aud: { type: 'string' },
  'clock-tolerance': { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const VERIFY_OPTIONS_HELP = `Arguments:
  TOKEN                      the token, or - to read it from stdin (surrounding whitespace ignored)

Options:
  --key FILE                 a PEM (SPKI, PKCS#8, PKCS#1, SEC1 or X.509 certificate), a JWK or a JWKS
  --jwks URL|FILE            a JWKS file, or an http(s) URL fetched once (5 s timeout)
  --secret-file FILE         the raw HMAC secret (its bytes, less one trailing newline)
  --alg ALG[,ALG...]         the algorithms to accept (required): ES256, EdDSA, RS256, PS256, HS256, ...
  --iss ISS                  the issuer the token must name
  --aud AUD                  an audience the token must contain
  --clock-tolerance SECONDS  leeway for exp, nbf and iat (default 30)
  --json                     machine-readable output`;

export interface VerifyPlan {
  token: string;
  algorithms: Alg[];
  keys: KeySet | TesseraKey;
  material: KeyMaterial;
  issuer: string | undefined;
  audience: string | undefined;
  clockTolerance: number;
  json: boolean;
}

/** Parses argv, reads the token and the key; every problem here is a usage error (exit 2). */
export async function readVerifyPlan(argv: string[], io: Io): Promise<VerifyPlan> {
  const { values, positionals } = parseOptions(argv, VERIFY_OPTIONS);
  const tokenArg = onePositional(positionals, 'token');
  const algorithms = parseAlgList(required(values.alg, 'alg'));
  const clockTolerance = parseTolerance(values['clock-tolerance']);
  const material = await readKeyMaterial(values);
  const token = await readToken(tokenArg, io);
  // The header only steers which single key to build (its kid); a malformed token still gets a
  // key check first, so a wrong key is reported as such (exit 2) before the token (exit 1).
  const header = peekHeader(token);
  const keys = importVerificationKeys(material, algorithms, header);
  return {
    token,
    algorithms,
    keys,
    material,
    issuer: values.iss,
    audience: values.aud,
    clockTolerance,
    json: values.json === true,
  };
}

function parseTolerance(value: string | undefined): number {
  if (value === undefined) return 30;
  if (!/^\d+(\.\d+)?$/.test(value)) {
    throw new UsageError(`--clock-tolerance must be a number of seconds, got '${value}'`);
  }
  return Number(value);
}

function peekHeader(token: string): { alg?: unknown; kid?: unknown } {
  try {
    return decodeToken(token).header;
  } catch {
    return {};
  }
}
