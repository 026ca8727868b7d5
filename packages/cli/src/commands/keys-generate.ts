// `tessera keys generate`: a new signing key. The private half goes to --out (mode 0600) or
// stdout; the public JWK (what verifiers need) goes to stdout, or to stderr when stdout holds the
// private key, so `tessera keys generate --alg ES256 > key.pem` leaves a clean PEM file.
import { writeFileSync } from 'node:fs';
import { exportJwk, exportPrivateJwk, generateKey } from '@tessera/core';
import { type Command, EXIT_OK, UsageError } from '../command.js';
import { isHmac, parseAlg } from '../lib/algorithms.js';
import { onePositional, parseOptions, required } from '../lib/args.js';

export const keysGenerate: Command = {
  name: 'keys generate',
  summary: 'make a new signing key (private key and public JWK)',
  usage: `Usage: tessera keys generate --alg ALG [--kid K] [--format pem|jwk] [--out FILE] [--json]

Makes a key for ALG (ES256, ES384, ES512, EdDSA, RS256..PS512, HS256..HS512). The private key is
PKCS#8 PEM (or a private JWK with --format jwk); for HS* it is a random secret (base64url, as long
as the hash). It goes to --out, created with mode 0600 (an existing file is never overwritten), or
to stdout. The public JWK (kid, alg, use) is printed on stdout, or on stderr when stdout already
holds the private key.

Options:
  --alg ALG          the algorithm the key is bound to (required)
  --kid K            the key id (default: the RFC 7638 thumbprint)
  --format pem|jwk   how to write the private key (default pem)
  --out FILE         write the private key to FILE (mode 0600)
  --json             print {"kid", "alg", "public_jwk", "private"?, "out"?} on stdout

Example:
  tessera keys generate --alg ES256 --kid k1 --out k1.pem > k1.public.json`,

  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, {
      alg: { type: 'string' },
      kid: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
    });
    onePositional(positionals, 'argument', 0);
    const alg = parseAlg(required(values.alg, 'alg'));
    const format = values.format ?? 'pem';
    if (format !== 'pem' && format !== 'jwk')
      throw new UsageError(`--format must be pem or jwk, got '${format}'`);
    if (values.kid === '') throw new UsageError('--kid must not be empty');
    const key = generateKey(alg, values.kid === undefined ? {} : { kid: values.kid });

    let privateText: string;
    if (isHmac(alg)) {
      privateText =
        format === 'jwk' ? json(exportPrivateJwk(key)) : key.keyObject.export().toString('base64url');
    } else {
      privateText =
        format === 'jwk'
          ? json(exportPrivateJwk(key))
          : String(key.keyObject.export({ type: 'pkcs8', format: 'pem' })).trimEnd();
    }
    const publicJwk = isHmac(alg) ? undefined : exportJwk(key);
    if (values.out !== undefined) writePrivate(values.out, `${privateText}\n`);

    if (values.json) {
      const out =
        values.out === undefined
          ? { private: format === 'jwk' ? JSON.parse(privateText) : privateText }
          : { out: values.out };
      io.out(json({ kid: key.kid, alg, ...(publicJwk ? { public_jwk: publicJwk } : {}), ...out }));
      return EXIT_OK;
    }
    if (values.out !== undefined) {
      io.err(
        `tessera: ${isHmac(alg) ? 'secret' : 'private key'} (kid ${key.kid}) written to ${values.out} (mode 0600)`,
      );
      if (publicJwk) io.out(json(publicJwk));
      else
        io.err('tessera: HS keys are symmetric: give the same secret file to the verifier (--secret-file)');
      return EXIT_OK;
    }
    io.out(privateText);
    if (publicJwk) io.err(`tessera: public JWK (kid ${key.kid}):\n${json(publicJwk)}`);
    return EXIT_OK;
  },
};

function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

function writePrivate(path: string, text: string): void {
  try {
    // 'wx': never overwrite an existing key; mode 0600: only the owner may read it.
    writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why = code === 'EEXIST' ? 'the file exists (remove it first)' : (code ?? (err as Error).message);
    throw new UsageError(`cannot write --out ${path}: ${why}`, { cause: err });
  }
}
