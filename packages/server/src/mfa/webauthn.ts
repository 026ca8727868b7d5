// Passkeys through @simplewebauthn/server. The relying party is the issuer: its host is the RP ID
// and its origin (plus TESSERA_ALLOWED_ORIGINS) the accepted origins, so a passkey made for this
// server is never usable by a look-alike site. Discoverable credentials (resident keys) and user
// verification are required, which is what lets a passkey sign in without a username.
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { FactorRecord } from './mfa-store.js';

export type { AuthenticationResponseJSON, RegistrationResponseJSON };

export interface RelyingParty {
  readonly id: string;
  readonly name: string;
  readonly origins: string[];
}

export const WEBAUTHN_TIMEOUT_MS = 120_000;

export function relyingPartyOf(issuer: string, allowedOrigins: readonly string[]): RelyingParty {
  const url = new URL(issuer);
  return { id: url.hostname, name: `Tessera (${url.host})`, origins: [url.origin, ...allowedOrigins] };
}

export function registrationOptions(
  rp: RelyingParty,
  user: { id: string; email: string },
  existing: FactorRecord[],
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.email,
    userID: new TextEncoder().encode(user.id),
    timeout: WEBAUTHN_TIMEOUT_MS,
    attestationType: 'none',
    excludeCredentials: existing
      .filter((f) => f.credentialId !== null)
      .map((f) => ({ id: f.credentialId as string, transports: f.transports })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
}

export function authenticationOptions(
  rp: RelyingParty,
  credentials: FactorRecord[] | undefined,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID: rp.id,
    timeout: WEBAUTHN_TIMEOUT_MS,
    userVerification: 'required',
    ...(credentials
      ? {
          allowCredentials: credentials.map((f) => ({
            id: f.credentialId as string,
            transports: f.transports,
          })),
        }
      : {}),
  });
}

/** The challenge a response answers (from its clientDataJSON), or undefined if unreadable. */
export function challengeOf(response: { response?: { clientDataJSON?: unknown } }): string | undefined {
  const data = response.response?.clientDataJSON;
  if (typeof data !== 'string' || data.length > 4096) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(data, 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof parsed.challenge === 'string' ? parsed.challenge : undefined;
  } catch {
    return undefined;
  }
}

export interface VerifiedRegistration {
  credentialId: string;
  publicKey: string;
  counter: number;
  transports: string[];
  deviceType: string;
}

/** Throws when the response is not a valid answer to `challenge` for this RP. */
export async function verifyRegistration(
  rp: RelyingParty,
  response: RegistrationResponseJSON,
  challenge: string,
): Promise<VerifiedRegistration> {
  const result = await verifyRegistrationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: rp.origins,
    expectedRPID: rp.id,
    requireUserVerification: true,
  });
  if (!result.verified) throw new Error('registration not verified');
  const { credential, credentialDeviceType } = result.registrationInfo;
  return {
    credentialId: credential.id,
    publicKey: Buffer.from(credential.publicKey).toString('base64url'),
    counter: credential.counter,
    transports: credential.transports ?? [],
    deviceType: credentialDeviceType,
  };
}

/** Verifies an assertion by `factor`; returns the new signature counter. Throws on any failure, a
 * counter that did not increase included (a cloned authenticator). */
export async function verifyAssertion(
  rp: RelyingParty,
  response: AuthenticationResponseJSON,
  challenge: string,
  factor: FactorRecord,
): Promise<number> {
  const result = await verifyAuthenticationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: rp.origins,
    expectedRPID: rp.id,
    requireUserVerification: true,
    credential: {
      id: factor.credentialId as string,
      publicKey: new Uint8Array(Buffer.from(factor.publicKey as string, 'base64url')),
      counter: factor.counter ?? 0,
      transports: factor.transports,
    },
  });
  if (!result.verified) throw new Error('assertion not verified');
  return result.authenticationInfo.newCounter;
}

/** RFC 8176: a device-bound key is hardware-secured (hwk); a synced passkey is software (swk). */
export function amrOfPasskey(factor: FactorRecord): 'hwk' | 'swk' {
  return factor.deviceType === 'multiDevice' ? 'swk' : 'hwk';
}
