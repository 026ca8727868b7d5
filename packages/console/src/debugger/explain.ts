// The debugger's verdict, check by check, in the verifier's order: structure, header, kid,
// signature, then the claims. Structure, header and claim rules are core's own functions
// (@tessera/core/rules) — the ones createVerifier runs — so the console and the server judge a
// token alike; the signature is checked with WebCrypto against this server's JWKS.
import {
  ALGORITHMS,
  type ClaimsPolicy,
  checkAudience,
  checkExp,
  checkHeader,
  checkIdentityClaims,
  checkIssuedAt,
  checkIssuer,
  checkNotBefore,
  isAlg,
  isTesseraError,
} from '@tessera/core/rules';
import { relativeTime } from '../ui/format.js';
import { type DecodedParts, decodeParts } from './decode.js';
import { verifySignature } from './webcrypto.js';

export type CheckStatus = 'pass' | 'fail' | 'info' | 'skip';
export interface Check {
  name: string;
  status: CheckStatus;
  message: string;
  code?: string;
}
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
const info = (name: string, message: string): Check => ({ name, status: 'info', message });
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

const when = (t: unknown, now: number) =>
  typeof t === 'number' && Number.isFinite(t)
    ? `${new Date(t * 1000).toISOString()} (${relativeTime(t * 1000, now * 1000)})`
    : JSON.stringify(t);

export async function explainToken(input: ExplainInput): Promise<Explanation> {
  const checks: Check[] = [];
  let decoded: DecodedParts;
  try {
    decoded = decodeParts(input.token);
  } catch (err) {
    if (!isTesseraError(err)) throw err;
    checks.push({ name: 'structure', status: 'fail', code: err.code, message: err.message });
    for (const name of ['header', 'kid', 'signature', 'exp', 'nbf', 'iat', 'iss', 'aud'])
      checks.push(skip(name, 'not checked: the token cannot be decoded'));
    return { valid: false, code: err.code, checks };
  }
  const { header, payload } = decoded;
  checks.push(
    pass('structure', `three base64url parts, JSON header and payload (${input.token.length} bytes)`),
  );

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
      message: `kid ${kid} is a ${jwk.alg} key, but the token says ${String(header.alg)}`,
    });
  } else {
    checks.push(pass('kid', `kid ${kid} is published in this server's JWKS (${jwk.alg})`));
  }

  if (jwk && jwk.alg === header.alg && typeof header.alg === 'string') {
    const outcome = await verifySignature(header.alg, jwk, decoded.signingInput, decoded.signature);
    if (outcome === 'valid') checks.push(pass('signature', `signature is valid (${header.alg}, kid ${kid})`));
    else if (outcome === 'invalid')
      checks.push({
        name: 'signature',
        status: 'fail',
        code: 'ERR_JWS_SIGNATURE_INVALID',
        message: `signature does not match kid ${kid}: the token was altered or signed by another key`,
      });
    else checks.push(skip('signature', `not checked: ${outcome.unsupported}`));
  } else {
    checks.push(skip('signature', 'not checked: no matching key'));
  }

  const policy: ClaimsPolicy = {
    issuer: input.issuer === undefined ? undefined : new Set([input.issuer]),
    audience: input.audience === undefined ? undefined : new Set([input.audience]),
    clockTolerance: input.clockTolerance,
    maxAge: undefined,
    requireExp: true,
    requiredClaims: [],
  };
  const now = input.now;
  const exp = payload.exp;
  checks.push(
    rule(
      'exp',
      typeof exp === 'number' && now >= exp
        ? `expired ${when(exp, now)}, but within the ${input.clockTolerance} s clock tolerance`
        : `expires ${when(exp, now)}`,
      () => checkExp(exp, policy, now),
    ),
  );
  if (checks.at(-1)?.code === 'ERR_JWT_EXPIRED')
    checks.at(-1)!.message = `token expired: exp is ${when(exp, now)}`;
  checks.push(
    payload.nbf === undefined
      ? info('nbf', 'no nbf claim (not required)')
      : rule('nbf', `valid since ${when(payload.nbf, now)}`, () => checkNotBefore(payload.nbf, policy, now)),
  );
  checks.push(
    payload.iat === undefined
      ? info('iat', 'no iat claim (not required)')
      : rule('iat', `issued ${when(payload.iat, now)}`, () => checkIssuedAt(payload.iat, policy, now)),
  );
  checks.push(
    input.issuer === undefined
      ? info('iss', `issuer is ${JSON.stringify(payload.iss)} (not checked)`)
      : rule('iss', `issuer is ${input.issuer}, as expected`, () => checkIssuer(payload.iss, policy)),
  );
  const audText = Array.isArray(payload.aud) ? payload.aud.join(', ') : String(payload.aud);
  if (input.audience === undefined)
    checks.push(info('aud', `audience is ${audText} (not checked: no expected audience)`));
  else {
    const c = rule('aud', `audience ${audText} contains ${input.audience}`, () =>
      checkAudience(payload.aud, policy.audience!),
    );
    if (c.status === 'fail' && payload.aud !== undefined)
      c.message = `wrong audience: the token is for ${audText}, expected ${input.audience}`;
    checks.push(c);
  }
  checks.push(rule('ids', 'sub, jti and sid are strings where present', () => checkIdentityClaims(payload)));

  // The verdict: the first failure in the verifier's order, as createVerifier would throw it.
  const failed = checks.find((c) => c.status === 'fail');
  const unchecked = checks.find((c) => c.name === 'signature' && c.status === 'skip');
  return failed
    ? { valid: false, code: failed.code!, checks, decoded }
    : { valid: unchecked === undefined, checks, decoded };
}
