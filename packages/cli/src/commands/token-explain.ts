// `tessera token explain`: every check of `token verify`, one line each, in words.
import { type Command, EXIT_BAD, EXIT_OK } from '../command.js';
import { type Check, explainToken } from '../lib/explain.js';
import { nowSeconds } from '../lib/time.js';
import { readVerifyPlan, VERIFY_OPTIONS_HELP } from '../lib/verify-options.js';

const LABEL: Record<Check['status'], string> = { pass: 'ok', fail: 'FAIL', info: 'info', skip: 'skip' };

export const tokenExplain: Command = {
  name: 'token explain',
  summary: 'say in words, check by check, why a token fails or that it passes',
  usage: `Usage: tessera token explain TOKEN|- (--key FILE | --jwks URL|FILE | --secret-file FILE)
                             --alg ALG[,ALG...] [--iss ISS] [--aud AUD] [--clock-tolerance SECONDS] [--json]

Runs every check of 'tessera token verify' separately and says what each found: structure, alg,
header, kid ("signed by kid k2, which the key set lacks (it has k1)"), signature, exp ("expired 3
minutes ago at ..."), nbf, iat, iss ("issuer was X, expected Y"), aud and the identity claims
(sub, jti, sid). It does not stop at the
first failure. The verdict is the same as 'token verify'. With --json:
{"valid", "code"?, "checks": [{"name", "status": "pass"|"fail"|"info"|"skip", "message", "code"?}]}.

${VERIFY_OPTIONS_HELP}

Exit codes: 0 valid, 1 invalid token, 2 usage error or a key that cannot serve the asked algorithm.

Example:
  tessera token explain "$TOKEN" --jwks jwks.json --alg ES256 --iss https://auth.example.com --aud api`,

  async run(argv, io) {
    const plan = await readVerifyPlan(argv, io);
    const result = explainToken({ ...plan, now: nowSeconds() });
    if (plan.json) {
      io.out(JSON.stringify(result, null, 2));
    } else {
      const failed = result.checks.filter((c) => c.status === 'fail').length;
      io.out(
        result.valid
          ? 'The token is valid: every check passed.'
          : `The token is NOT valid (${result.code}): ${failed} ${failed === 1 ? 'check fails' : 'checks fail'}.`,
      );
      const width = Math.max(...result.checks.map((c) => c.name.length));
      for (const c of result.checks)
        io.out(`  ${LABEL[c.status].padEnd(4)}  ${c.name.padEnd(width)}  ${c.message}`);
    }
    return result.valid ? EXIT_OK : EXIT_BAD;
  },
};
