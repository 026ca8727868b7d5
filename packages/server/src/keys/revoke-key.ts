// `tessera keys revoke KID` and POST /v1/admin/keys/:kid/revoke: a leaked signing key is killed at
// once. The key service takes it out of the keyring (JWKS and verifiers; a new key signs first if it
// was the active one), then its kid goes on the deny-list and the revocation feed, so every instance
// and every @tessera/verify following the feed refuses the tokens it signed within a second, before
// any JWKS cache expires.
import type { KeyService, RevocationService } from '../services/types.js';

export interface RevokedKey {
  kid: string;
  previousState: string;
  /** The key that signs now. */
  activeKid: string;
  /** The key was already revoked: nothing changed. */
  alreadyRevoked: boolean;
}

export async function revokeSigningKey(
  services: { keys: Pick<KeyService, 'revokeKey'>; revocations: Pick<RevocationService, 'revokeKey'> },
  kid: string,
  actor: string | null,
): Promise<RevokedKey> {
  const outcome = await services.keys.revokeKey(kid, actor);
  // Also when it was already revoked: publishing again is harmless and repairs a lost entry.
  await services.revocations.revokeKey(kid);
  return outcome;
}
