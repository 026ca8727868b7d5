// The debugger's verdict, check by check, in the verifier's order: structure, header, kid,
// signature, then the claims. Structure, header and claim rules are core's own functions
// (@tessera/core/rules) — the ones createVerifier runs — so the console and the server judge a
// token alike; the claims are judged and worded by core's explainClaims, as in `tessera token
// explain`. The signature is checked with WebCrypto against this server's JWKS.
import {
  ALGORITHMS,
  type Check,
  CLAIM_CHECKS,
  checkHeader,
  explainClaims,
  explainWords,
  isAlg,
  isTesseraError,
} from '@tessera/core/rules';
import { type DecodedParts, decodeParts } from './decode.js';
import { verifySignature } from './webcrypto.js';

export type { Check, CheckStatus } from '@tessera/core/rules';
export interface Explanation {
  valid: boolean;
  code?: string;
  checks: Check[];
  decoded?: DecodedParts;
}
export interface ExplainInput {
  token: string;
  jwks: { keys: Array<JsonWebKey & { kid?: string }> };
  issuer: string | undefined;
  audience: string | undefined;
  clockTolerance: number;
  /** Seconds. */
  now: number;
}

const pass = (name: string, message: string): Check => ({ name, status: 'pass', message });
const skip = (name: string, message: string): Check => ({ name, status: 'skip', message });

/** Runs one of core's rules: pass with `ok`, or fail with the TesseraError's code and message. */
function rule(name: string, ok: string, run: () => void): Check {
  try {
    run();
    return pass(name, ok);
  } catch (err) {
    if (!isTesseraError(err)) throw err;
    const claim = (err as { claim?: string }).claim;
    const detail = claim && !err.message.includes(claim) ? ` (${claim})` : '';
    return { name, status: 'fail', code: err.code, message: `${err.message}${detail}` };
  }
}

export async function explainToken(input: ExplainInput): Promise<Explanation> {
  const checks: Check[] = [];
  let decoded: DecodedParts;
  try {
    decoded = decodeParts(input.token);
  } catch (err) {
    if (!isTesseraError(err)) throw err;
    checks.push({ name: 'structure', status: 'fail', code: err.code, message: err.message });
    for (const name of ['header', 'kid', 'signature', ...CLAIM_CHECKS])
      checks.push(skip(name, explainWords.notDecodable));
    return { valid: false, code: err.code, checks };
  }
  const { header, payload } = decoded;
  checks.push(pass('structure', explainWords.structureOk(input.token.length)));

  // The algorithms this server's keys are bound to are the ones its verifier allows. A server that
  // signs with an HMAC secret publishes no key: then only the header's form is checked here.
  const serverAlgs = new Set(input.jwks.keys.map((k) => k.alg).filter(isAlg));
  const typ = `typ ${String(header.typ ?? 'absent')}`;
  checks.push(
    serverAlgs.size > 0
      ? rule('header', `alg ${String(header.alg)} is allowed here; ${typ}`, () =>
          checkHeader(header, serverAlgs),
        )
      : rule('header', `well-formed (${typ}); this server publishes no public key to compare alg with`, () =>
          checkHeader(header, new Set(ALGORITHMS)),
        ),
  );

  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  const jwk = kid === undefined ? undefined : input.jwks.keys.find((k) => k.kid === kid);
  if (kid === undefined) {
    checks.push({
      name: 'kid',
      status: 'fail',
      code: 'ERR_JWKS_NO_MATCHING_KEY',
      message: 'no kid in the header: this server always names its key',
    });
  } else if (!jwk) {
    checks.push({
      name: 'kid',
      status: 'fail',
      code: 'ERR_JWKS_NO_MATCHING_KEY',
      message: `kid ${kid} is not in this server's JWKS (retired, revoked, or another server's key)`,
    });
  } else if (jwk.alg !== header.alg) {
    checks.push({
      name: 'kid',
      status: 'fail',
      code: 'ERR_JOSE_ALG_NOT_ALLOWED',
      message: explainWords.kidAlgMismatch(kid, String(jwk.alg), header.alg),
    });
  } else {
    checks.push(pass('kid', `kid ${kid} is published in this server's JWKS (${jwk.alg})`));
  }

  if (jwk && jwk.alg === header.alg && typeof header.alg === 'string') {
    const outcome = await verifySignature(header.alg, jwk, decoded.signingInput, decoded.signature);
    if (outcome === 'valid') checks.push(pass('signature', explainWords.signatureValid(header.alg, kid!)));
    else if (outcome === 'invalid')
      checks.push({
        name: 'signature',
        status: 'fail',
        code: 'ERR_JWS_SIGNATURE_INVALID',
        message: explainWords.signatureInvalid(kid!),
      });
    else checks.push(skip('signature', `not checked: ${outcome.unsupported}`));
  } else {
    checks.push(skip('signature', 'not checked: no matching key'));
  }

  checks.push(
    ...explainClaims(payload, {
      issuer: input.issuer,
      audience: input.audience,
      clockTolerance: input.clockTolerance,
      now: input.now,
    }),
  );

  // The verdict: the first failure in the verifier's order, as createVerifier would throw it.
  const failed = checks.find((c) => c.status === 'fail');
  const unchecked = checks.find((c) => c.name === 'signature' && c.status === 'skip');
  return failed
    ? { valid: false, code: failed.code!, checks, decoded }
    : { valid: unchecked === undefined, checks, decoded };
}
