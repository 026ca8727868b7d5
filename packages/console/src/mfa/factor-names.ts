// How factors are named on the pages.

export interface PublicFactor {
  id: string;
  type: 'totp' | 'webauthn' | string;
  name: string;
  created_at: string;
  last_used_at: string | null;
  confirmed: boolean;
}

export interface FactorList {
  factors: PublicFactor[];
  recovery_codes_remaining: number;
}

export function factorKind(type: string): string {
  if (type === 'totp') return 'Authenticator app';
  if (type === 'webauthn') return 'Passkey';
  return type;
}
