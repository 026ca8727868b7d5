// The browser half of passkeys, through @simplewebauthn/browser: it turns the server's JSON options
// into navigator.credentials calls and the results back into JSON the server verifies. Errors come
// back in words (a cancelled prompt is the common case, not a fault).
import { browserSupportsWebAuthn, startAuthentication, startRegistration } from '@simplewebauthn/browser';
import type { Json } from '../session.js';

export function passkeysSupported(): boolean {
  return browserSupportsWebAuthn();
}

/** Creates a passkey for the registration options of POST /v1/me/factors/webauthn/options. */
export async function createPasskey(optionsJSON: Json): Promise<Json> {
  try {
    return await startRegistration({ optionsJSON });
  } catch (err) {
    throw passkeyFailure(err, 'create');
  }
}

/** Signs the challenge of POST /v1/auth/webauthn/options with a passkey of this device. */
export async function usePasskey(optionsJSON: Json): Promise<Json> {
  try {
    return await startAuthentication({ optionsJSON });
  } catch (err) {
    throw passkeyFailure(err, 'use');
  }
}

function passkeyFailure(err: unknown, what: 'create' | 'use'): Error {
  const name = (err as { name?: string } | null)?.name;
  if (name === 'NotAllowedError' || name === 'AbortError')
    return new Error(
      what === 'create'
        ? 'No passkey was created: the prompt was cancelled or timed out.'
        : 'No passkey was used: the prompt was cancelled, timed out, or this device holds none for this site.',
    );
  if (name === 'InvalidStateError')
    return new Error('This authenticator already holds a passkey for your account.');
  if (name === 'SecurityError')
    return new Error('Passkeys need this page on HTTPS (or localhost) at the server’s own address.');
  return err instanceof Error ? err : new Error(String(err));
}
