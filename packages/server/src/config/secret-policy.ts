// Production secret check: the same rule as `tessera secret check` (core's checkSecretStrength).
// Returns a short reason (never the secret) or undefined when the secret is acceptable.
import * as core from '@tessera/core';

type Verdict = { ok: boolean; reasons: string[] };

// Fallback while core's index does not export checkSecretStrength: 32 bytes of decoded material.
function fallbackCheck(value: string): Verdict {
  const hex = value.length % 2 === 0 && /^[0-9a-fA-F]+$/.test(value);
  const b64 = /^[A-Za-z0-9+/_-]+={0,2}$/.test(value);
  const bytes = hex
    ? value.length / 2
    : b64
      ? Math.floor((value.replace(/=+$/, '').length * 6) / 8)
      : Buffer.byteLength(value);
  const reasons: string[] = [];
  if (bytes < 32) reasons.push(`shorter than 32 bytes: ${bytes} bytes of material`);
  if (new Set(value).size < 8) reasons.push('too few distinct characters to be random');
  return { ok: reasons.length === 0, reasons };
}

const check: (value: string) => Verdict =
  (core as unknown as { checkSecretStrength?: (value: string) => Verdict }).checkSecretStrength ??
  fallbackCheck;

export function secretProblem(value: string): string | undefined {
  const verdict = check(value.trim());
  return verdict.ok ? undefined : verdict.reasons.join('; ');
}
