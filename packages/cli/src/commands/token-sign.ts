// `tessera token sign`: mints a token with a local key, for tests, scripts and debugging.
import { createSigner, decodeToken, parseDuration } from '@tessera/core';
import { type Command, EXIT_OK, UsageError } from '../command.js';
import { parseAlg } from '../lib/algorithms.js';
import { onePositional, parseOptions, required } from '../lib/args.js';
import { parseJson } from '../lib/input.js';
import { importSigningKey, readKeyMaterial } from '../lib/key-source.js';

export const tokenSign: Command = {
  name: 'token sign',
  summary: 'sign a token with a private key or an HMAC secret',
  usage: `Usage: tessera token sign (--key FILE | --secret-file FILE) --alg ALG [--kid K] [--iss ISS]
                          [--aud AUD ...] [--sub SUB] [--ttl 15m] [--typ at+jwt]
                          [--claim NAME=VALUE ...] [--claims JSON] [--json]

Prints a signed JWS compact token. iat, exp and jti are added (exp = now + --ttl).

Options:
  --key FILE            the private key: PEM (PKCS#8, PKCS#1, SEC1) or a private JWK
  --secret-file FILE    the raw HMAC secret for HS256/384/512 (its bytes, less one trailing newline)
  --alg ALG             the algorithm (required): ES256, EdDSA, RS256, PS256, HS256, ...
  --kid K               the key id put in the header (default: the JWK's kid, else its thumbprint)
  --iss ISS, --sub SUB  the issuer and subject claims
  --aud AUD             the audience; repeat it for several
  --ttl DURATION        lifetime: seconds or 15m, 1h, 7d (default 15m)
  --typ TYP             the header typ (default at+jwt)
  --claim NAME=VALUE    one claim; VALUE is parsed as JSON when it can be (42, true, ["a"]), else text
  --claims JSON         a JSON object of claims (--claim, --iss, --sub and --aud win over it)
  --json                print {"token", "header", "payload"}

Example:
  tessera token sign --key es256.pem --alg ES256 --sub u1 --aud api --claim 'roles=["admin"]'`,

  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, {
      key: { type: 'string' },
      'secret-file': { type: 'string' },
      jwks: { type: 'string' },
      alg: { type: 'string' },
      kid: { type: 'string' },
      iss: { type: 'string' },
      aud: { type: 'string', multiple: true },
      sub: { type: 'string' },
      ttl: { type: 'string' },
      typ: { type: 'string' },
      claim: { type: 'string', multiple: true },
      claims: { type: 'string' },
      json: { type: 'boolean' },
    });
    onePositional(positionals, 'argument', 0);
    const alg = parseAlg(required(values.alg, 'alg'));
    const ttl = values.ttl ?? '15m';
    try {
      if (parseDuration(ttl) <= 0) throw new TypeError('not positive');
    } catch {
      throw new UsageError(`--ttl must be a positive duration like 900, 15m or 1h, got '${ttl}'`);
    }
    const claims = collectClaims(values.claims, values.claim ?? []);
    if (values.sub !== undefined) claims.sub = values.sub;
    const material = await readKeyMaterial(values, false);
    const key = importSigningKey(material, alg, values.kid);
    const audience =
      values.aud === undefined ? undefined : values.aud.length === 1 ? values.aud[0]! : values.aud;
    const issuer = values.iss ?? (typeof claims.iss === 'string' ? claims.iss : undefined);
    delete claims.iss;
    let sign: ReturnType<typeof createSigner>;
    try {
      sign = createSigner({
        key,
        ttl,
        ...(issuer === undefined ? {} : { issuer }),
        ...(audience === undefined ? {} : { audience }),
        ...(values.typ === undefined ? {} : { typ: values.typ }),
      });
    } catch (err) {
      throw new UsageError((err as Error).message, { cause: err });
    }
    const token = sign(claims);
    if (values.json) {
      const { header, payload } = decodeToken(token);
      io.out(JSON.stringify({ token, header, payload }, null, 2));
    } else {
      io.out(token);
    }
    return EXIT_OK;
  },
};

/** --claims JSON first, then each --claim NAME=VALUE over it. */
export function collectClaims(json: string | undefined, pairs: string[]): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  if (json !== undefined) {
    const parsed = parseJson(json, '--claims');
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new UsageError('--claims must be a JSON object');
    }
    Object.assign(claims, parsed);
  }
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--claim must look like NAME=VALUE, got '${pair}'`);
    claims[pair.slice(0, eq)] = claimValue(pair.slice(eq + 1));
  }
  return claims;
}

function claimValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
