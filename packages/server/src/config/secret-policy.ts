// Production secret check: the same rule as `tessera secret check` (core's checkSecretStrength).
// Returns a short reason (never the secret) or undefined when the secret is acceptable.
import { checkSecretStrength } from '@tessera/core';

export function secretProblem(value: string): string | undefined {
  const verdict = checkSecretStrength(value.trim());
  return verdict.ok ? undefined : verdict.reasons.join('; ');
}
