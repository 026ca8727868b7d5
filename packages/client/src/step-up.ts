// Second factors in the client: the RFC 9470 challenge a resource service answers when a route
// needs a fresher or stronger sign-in (`WWW-Authenticate: Bearer error="insufficient_user_authentication"`,
// `max_age`, `acr_values`), and the proofs the auth server accepts at /v1/auth/step-up and /v1/auth/mfa.

export interface StepUpChallenge {
  /** Always `insufficient_user_authentication`. */
  error: string;
  /** Seconds: the sign-in must be at most this old (`max_age`). */
  maxAge?: number;
  /** What the route requires (Tessera: the `amr` values, e.g. ['mfa']). */
  acrValues?: string[];
  description?: string;
}

/** A second factor, as the user gives it: a TOTP or recovery code, or a WebAuthn assertion. */
export type FactorProof =
  | { method: 'totp'; code: string }
  | { method: 'recovery_code'; code: string }
  | { method: 'webauthn'; response: unknown };

/**
 * Asked by `client.fetch` when a response carries the step-up challenge: prompt the user for a
 * factor and return it, or null to give up (the 401 is then returned as is).
 */
export type StepUpPrompt = (challenge: StepUpChallenge) => Promise<FactorProof | null>;

/** Parses a Bearer challenge naming insufficient_user_authentication; undefined for any other. */
export function parseStepUpChallenge(header: string | null): StepUpChallenge | undefined {
  if (!header || !/^\s*bearer\b/i.test(header)) return undefined;
  const params = new Map<string, string>();
  for (const m of header.matchAll(/([a-zA-Z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g)) {
    params.set((m[1] as string).toLowerCase(), m[2] ?? m[3] ?? '');
  }
  const error = params.get('error');
  if (error !== 'insufficient_user_authentication') return undefined;
  const challenge: StepUpChallenge = { error };
  const maxAge = Number(params.get('max_age'));
  if (params.has('max_age') && Number.isFinite(maxAge)) challenge.maxAge = maxAge;
  const acr = params.get('acr_values');
  if (acr) challenge.acrValues = acr.split(' ').filter((v) => v !== '');
  const description = params.get('error_description');
  if (description) challenge.description = description;
  return challenge;
}
