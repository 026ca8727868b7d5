// A token explanation's claim checks, in words. Core's own rules (checkExp, checkAudience...) decide;
// this module only says what they decided, so `tessera token explain` and the console's token
// debugger judge alike and word it alike. `explainWords` holds the wording of the other checks
// (structure, kid, signature), which each caller runs with its own key source.
import { isTesseraError } from '../errors.js';
import { describeDate, isoDate, relative } from '../lib/time-words.js';
import {
  type ClaimsPolicy,
  checkAudience,
  checkExp,
  checkIdentityClaims,
  checkIssuedAt,
  checkIssuer,
  checkNotBefore,
  isNumericDate,
} from './claims.js';

export type CheckStatus = 'pass' | 'fail' | 'info' | 'skip';
export interface Check {
  name: string;
  status: CheckStatus;
  message: string;
  code?: string;
}

export interface ExplainClaimsOptions {
  issuer?: string | undefined;
  audience?: string | undefined;
  /** Seconds. */
  clockTolerance: number;
  /** Seconds. */
  now: number;
  /** How a missing expectation is named in "(not checked: …)"; the CLI names its flags. */
  unset?: { iss: string; aud: string };
}

/** The names of the checks explainClaims makes, in the verifier's order. */
export const CLAIM_CHECKS = ['exp', 'nbf', 'iat', 'iss', 'aud', 'ids'] as const;

const pass = (name: string, message: string): Check => ({ name, status: 'pass', message });
const info = (name: string, message: string): Check => ({ name, status: 'info', message });

/** Runs a rule; on its TesseraError, a failed check with the error's code and `words(claim, reason)`. */
function judge(name: string, ok: () => Check, run: () => void, words: (reason: string) => string): Check {
  try {
    run();
    return ok();
  } catch (err) {
    if (!isTesseraError(err)) throw err;
    const reason = (err as { reason?: string }).reason ?? 'invalid';
    return {
      name,
      status: 'fail',
      code: err.code,
      message: words(err.code === 'ERR_JWT_CLAIM_INVALID' ? reason : err.code),
    };
  }
}

const listed = (aud: unknown) => (Array.isArray(aud) ? aud.map(String).join(', ') : String(aud));

/** exp, nbf, iat, iss, aud and the identity claims, each judged by core's rule and said in words. */
export function explainClaims(payload: Record<string, unknown>, opts: ExplainClaimsOptions): Check[] {
  const { now, clockTolerance: tol } = opts;
  const unset = opts.unset ?? { iss: 'no expected issuer', aud: 'no expected audience' };
  const policy: ClaimsPolicy = {
    issuer: opts.issuer === undefined ? undefined : new Set([opts.issuer]),
    audience: opts.audience === undefined ? undefined : new Set([opts.audience]),
    clockTolerance: tol,
    maxAge: undefined,
    requireExp: true,
    requiredClaims: [],
  };
  const { exp, nbf, iat, iss, aud } = payload;
  const checks: Check[] = [];

  checks.push(
    judge(
      'exp',
      () => {
        const at = `${relative(exp as number, now)} at ${isoDate(exp as number)}`;
        return pass(
          'exp',
          now >= (exp as number) ? `expired ${at}, within the ${tol} s clock tolerance` : `expires ${at}`,
        );
      },
      () => checkExp(exp, policy, now),
      (why) =>
        why === 'missing'
          ? 'no exp claim, and one is required'
          : why === 'ERR_JWT_EXPIRED'
            ? `expired ${relative(exp as number, now)} at ${isoDate(exp as number)}`
            : 'exp is not a number',
    ),
  );
  for (const [name, value, check] of [
    ['nbf', nbf, () => checkNotBefore(nbf, policy, now)],
    ['iat', iat, () => checkIssuedAt(iat, policy, now)],
  ] as const) {
    checks.push(
      value === undefined
        ? info(name, `no ${name} claim (not required)`)
        : judge(
            name,
            () =>
              pass(
                name,
                `${name === 'nbf' ? 'valid since' : 'issued'} ${describeDate(value as number, now)}`,
              ),
            check,
            (why) =>
              why === 'ERR_JWT_NOT_YET_VALID' && isNumericDate(value)
                ? `${name === 'nbf' ? 'not valid until' : 'issued in the future, at'} ${describeDate(value, now)}`
                : `${name} is not a number`,
          ),
    );
  }
  checks.push(
    opts.issuer === undefined
      ? info(
          'iss',
          iss === undefined
            ? `no iss claim (not checked: ${unset.iss})`
            : `issuer is ${JSON.stringify(iss)} (not checked: ${unset.iss})`,
        )
      : judge(
          'iss',
          () => pass('iss', `issuer is ${opts.issuer}, as expected`),
          () => checkIssuer(iss, policy),
          (why) =>
            why === 'missing'
              ? `no iss claim, expected ${opts.issuer}`
              : `issuer was ${String(iss)}, expected ${opts.issuer}`,
        ),
  );
  checks.push(
    opts.audience === undefined
      ? info(
          'aud',
          aud === undefined
            ? `no aud claim (not checked: ${unset.aud})`
            : `audience is ${listed(aud)} (not checked: ${unset.aud})`,
        )
      : judge(
          'aud',
          () => pass('aud', `audience ${listed(aud)} contains ${opts.audience}`),
          () => checkAudience(aud, policy.audience!),
          (why) =>
            why === 'missing'
              ? `no aud claim, expected ${opts.audience}`
              : why === 'invalid'
                ? 'aud is not a string or an array of strings'
                : `audience was ${listed(aud)}, expected ${opts.audience}`,
        ),
  );
  checks.push(
    judge(
      'ids',
      () => pass('ids', 'sub, jti and sid are strings where present'),
      () => checkIdentityClaims(payload),
      () => {
        const bad = ['sub', 'jti', 'sid'].find(
          (c) => payload[c] !== undefined && typeof payload[c] !== 'string',
        );
        return `${bad} is not a string`;
      },
    ),
  );
  return checks;
}

/** The wording of the checks before the claims, for callers that run them with their own keys. */
export const explainWords = {
  structureOk: (bytes: number) => `three base64url parts, JSON header and payload (${bytes} bytes)`,
  notDecodable: 'not checked: the token cannot be decoded',
  kidAlgMismatch: (kid: string, keyAlg: string, tokenAlg: unknown) =>
    `kid ${kid} is a ${keyAlg} key, but the token says ${String(tokenAlg)}`,
  noKeyToCheck: 'not checked: no key to check it with',
  signatureValid: (alg: string, kid: string) => `signature is valid (${alg}, kid ${kid})`,
  signatureInvalid: (kid: string) =>
    `signature does not match kid ${kid}: the token was altered or signed by another key`,
};
