// Authentication Methods References (RFC 8176) of a session: what the user proved and when.
// `mfa` is added as soon as two different kinds of factor are present (a password and a code, a
// password and a passkey); a passkey with user verification counts as two on its own (possession
// plus the PIN or biometric that unlocked it, recorded as `user`).

const FACTOR_KIND: Record<string, string> = {
  pwd: 'knowledge',
  otp: 'possession',
  hwk: 'possession',
  swk: 'possession',
  user: 'inherence',
};

export function combineAmr(...sets: string[][]): string[] {
  const values = new Set<string>();
  for (const set of sets) for (const v of set) if (v !== 'mfa') values.add(v);
  const kinds = new Set([...values].map((v) => FACTOR_KIND[v]).filter((k) => k !== undefined));
  const out = [...values].sort();
  if (kinds.size >= 2) out.push('mfa');
  return out;
}
