// `tessera token verify`: the same check a resource service runs (core's createVerifier).
import { createVerifier } from '@tessera/core';
import { type Command, EXIT_OK } from '../command.js';
import { reportInvalid } from '../lib/token-result.js';
import { readVerifyPlan, VERIFY_OPTIONS_HELP } from '../lib/verify-options.js';

export const tokenVerify: Command = {
  name: 'token verify',
  summary: 'verify a token’s signature and claims; print its claims',
  usage: `Usage: tessera token verify TOKEN|- (--key FILE | --jwks URL|FILE | --secret-file FILE)
                            --alg ALG[,ALG...] [--iss ISS] [--aud AUD] [--clock-tolerance SECONDS] [--json]

Verifies the signature with the given key and checks exp, nbf, iat, iss and aud. A valid token
prints its claims; an invalid one prints its error code (ERR_JWT_EXPIRED, ...). With --json:
{"valid": true, "header", "payload"} or {"valid": false, "code"}.
Use 'tessera token explain' to see every check in words.

${VERIFY_OPTIONS_HELP}

Exit codes: 0 valid, 1 invalid token, 2 usage error or a key that cannot serve the asked algorithm.

Example:
  tessera token verify "$TOKEN" --jwks http://localhost:8080/.well-known/jwks.json --alg ES256 \\
    --iss http://localhost:8080 --aud tessera`,

  async run(argv, io) {
    const plan = await readVerifyPlan(argv, io);
    const verify = createVerifier({
      keys: plan.keys,
      algorithms: plan.algorithms,
      clockTolerance: plan.clockTolerance,
      ...(plan.issuer === undefined ? {} : { issuer: plan.issuer }),
      ...(plan.audience === undefined ? {} : { audience: plan.audience }),
    });
    let result: ReturnType<typeof verify>;
    try {
      result = verify(plan.token);
    } catch (err) {
      return reportInvalid(err, io, plan.json);
    }
    if (plan.json)
      io.out(JSON.stringify({ valid: true, header: result.header, payload: result.payload }, null, 2));
    else io.out(JSON.stringify(result.payload, null, 2));
    return EXIT_OK;
  },
};
