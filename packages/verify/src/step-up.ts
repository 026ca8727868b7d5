// RFC 9470 step-up: a route can demand how the user authenticated (`requireAmr`, RFC 8176 values
// such as 'mfa', 'hwk', 'otp') and how recently (`maxAuthAge`, seconds since `auth_time`). A token
// that falls short gets 401 with `WWW-Authenticate: Bearer error="insufficient_user_authentication"`
// and `max_age` / `acr_values`, which tells the client to re-prove a factor at the auth server's
// POST /v1/auth/step-up and retry. Tessera has no acr levels: `acr_values` names the amr values the
// route requires.
import { type AuthInfo, hasAll, stringList } from './auth-info.js';

export interface StepUpRules {
  /** Every one of these `amr` values is required (e.g. ['mfa']). */
  requireAmr?: string[];
  /** The user must have authenticated at most this many seconds ago (`auth_time`). */
  maxAuthAge?: number;
}

export interface StepUpDenial {
  status: 401;
  headers: Record<string, string>;
  body: { error: 'insufficient_user_authentication'; error_description: string };
}

/** The 401 challenge when the token does not meet the rules, or undefined when it does. */
export function checkStepUp(
  auth: AuthInfo,
  rules: StepUpRules,
  realm?: string,
  nowMs = Date.now(),
): StepUpDenial | undefined {
  const amrOk = hasAll(stringList(auth.claims.amr), rules.requireAmr);
  let ageOk = true;
  if (rules.maxAuthAge !== undefined) {
    const authTime = auth.claims.auth_time;
    // No auth_time proves no recent authentication at all.
    ageOk =
      typeof authTime === 'number' &&
      Number.isFinite(authTime) &&
      nowMs / 1000 - authTime <= rules.maxAuthAge;
  }
  if (amrOk && ageOk) return undefined;
  const description = amrOk
    ? 'A more recent authentication is required'
    : 'A stronger authentication is required';
  const params: string[] = [];
  if (realm !== undefined) params.push(`realm="${realm.replace(/["\\]/g, '')}"`);
  params.push('error="insufficient_user_authentication"', `error_description="${description}"`);
  if (rules.requireAmr && rules.requireAmr.length > 0) {
    params.push(`acr_values="${rules.requireAmr.join(' ').replace(/["\\]/g, '')}"`);
  }
  if (rules.maxAuthAge !== undefined) params.push(`max_age=${Math.floor(rules.maxAuthAge)}`);
  return {
    status: 401,
    headers: { 'www-authenticate': `Bearer ${params.join(', ')}` },
    body: { error: 'insufficient_user_authentication', error_description: description },
  };
}

/** Validates the options once, at middleware creation (a bad option is a TypeError). */
export function assertStepUpRules(rules: StepUpRules, path = 'options'): void {
  if (rules.requireAmr !== undefined) {
    if (!Array.isArray(rules.requireAmr) || rules.requireAmr.some((v) => typeof v !== 'string' || v === '')) {
      throw new TypeError(`${path}.requireAmr must be an array of non-empty strings`);
    }
  }
  if (rules.maxAuthAge !== undefined) {
    if (typeof rules.maxAuthAge !== 'number' || !Number.isFinite(rules.maxAuthAge) || rules.maxAuthAge < 0) {
      throw new TypeError(`${path}.maxAuthAge must be a number of seconds (>= 0)`);
    }
  }
}
