// The claim checks of `tessera token explain`, one function per claim, each in words. They mirror
// core's claims policy (jwt/claims.ts): expired at or after exp + tolerance, nbf/iat in the future
// beyond the tolerance, iss exact, aud string or array containing the expected value.
import type { Check } from './explain.js';
import { describeDate, isoDate, relative } from './time.js';

const pass = (name: string, message: string): Check => ({ name, status: 'pass', message });
const info = (name: string, message: string): Check => ({ name, status: 'info', message });
const fail = (name: string, code: string, message: string): Check => ({
  name,
  status: 'fail',
  message,
  code,
});

const isNumericDate = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function checkExp(exp: unknown, now: number, tol: number): Check {
  if (exp === undefined) return fail('exp', 'ERR_JWT_CLAIM_INVALID', 'no exp claim, and one is required');
  if (!isNumericDate(exp)) return fail('exp', 'ERR_JWT_CLAIM_INVALID', 'exp is not a number');
  if (now >= exp + tol)
    return fail('exp', 'ERR_JWT_EXPIRED', `expired ${relative(exp, now)} at ${isoDate(exp)}`);
  if (now >= exp)
    return pass(
      'exp',
      `expired ${relative(exp, now)} at ${isoDate(exp)}, within the ${tol} s clock tolerance`,
    );
  return pass('exp', `expires ${relative(exp, now)} at ${isoDate(exp)}`);
}

export function checkNotBefore(name: 'nbf' | 'iat', value: unknown, now: number, tol: number): Check {
  if (value === undefined) return info(name, `no ${name} claim (not required)`);
  if (!isNumericDate(value)) return fail(name, 'ERR_JWT_CLAIM_INVALID', `${name} is not a number`);
  if (value > now + tol) {
    const what = name === 'nbf' ? 'not valid until' : 'issued in the future, at';
    return fail(name, 'ERR_JWT_NOT_YET_VALID', `${what} ${describeDate(value, now)}`);
  }
  return pass(name, `${name === 'nbf' ? 'valid since' : 'issued'} ${describeDate(value, now)}`);
}

export function checkIssuer(iss: unknown, expected: string | undefined): Check {
  if (expected === undefined) {
    return info(
      'iss',
      iss === undefined
        ? 'no iss claim (not checked: no --iss)'
        : `issuer is ${JSON.stringify(iss)} (not checked: no --iss)`,
    );
  }
  if (iss === undefined) return fail('iss', 'ERR_JWT_CLAIM_INVALID', `no iss claim, expected ${expected}`);
  if (iss !== expected)
    return fail('iss', 'ERR_JWT_CLAIM_INVALID', `issuer was ${String(iss)}, expected ${expected}`);
  return pass('iss', `issuer is ${expected}, as expected`);
}

export function checkAudience(aud: unknown, expected: string | undefined): Check {
  const shown = Array.isArray(aud) ? aud.map(String).join(', ') : String(aud);
  if (expected === undefined) {
    return info(
      'aud',
      aud === undefined
        ? 'no aud claim (not checked: no --aud)'
        : `audience is ${shown} (not checked: no --aud)`,
    );
  }
  if (aud === undefined) return fail('aud', 'ERR_JWT_CLAIM_INVALID', `no aud claim, expected ${expected}`);
  const list = Array.isArray(aud) ? aud : [aud];
  if (!list.includes(expected))
    return fail('aud', 'ERR_JWT_CLAIM_INVALID', `audience was ${shown}, expected ${expected}`);
  return pass('aud', `audience ${shown} contains ${expected}`);
}
