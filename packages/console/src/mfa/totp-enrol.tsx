// Setting up an authenticator app: the server makes the secret and its QR code (POST
// /v1/me/factors/totp), the user scans it or types the key, and the first code confirms it
// (POST .../totp/:id/confirm). With `mfaToken` (an account that must enrol before any token is
// issued) the calls carry the enrolment token instead of a bearer token, and confirming signs in.
import { useEffect, useState } from 'preact/hooks';
import { api, describeFailure, type Json, publicApi } from '../session.js';
import { Alert } from '../ui/alert.js';
import { QrCode } from './qr-code.js';
import { TotpCodeInput } from './totp-code-input.js';

interface Started {
  id: string;
  otpauth_uri: string;
  qr_svg: string;
}

function secretOf(uri: string): string {
  try {
    return new URL(uri).searchParams.get('secret') ?? '';
  } catch {
    return '';
  }
}

/** The key in groups of four, as authenticator apps show it when typed by hand. */
function grouped(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

export function TotpEnrol(props: {
  mfaToken?: string;
  /** The confirm answer: {factor, recovery_codes?} (and the tokens when enrolling by mfaToken). */
  onEnrolled: (result: Json) => Promise<void> | void;
  onCancel?: () => void;
}) {
  const [started, setStarted] = useState<Started>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const call = (path: string, body: Record<string, unknown>) =>
    props.mfaToken === undefined
      ? api('POST', path, body)
      : publicApi('POST', path, { ...body, mfa_token: props.mfaToken });

  useEffect(() => {
    call('/v1/me/factors/totp', {}).then(
      (s: Started) => setStarted(s),
      (err) => setError(describeFailure(err)),
    );
  }, []);

  const confirm = async (event: Event) => {
    event.preventDefault();
    if (!started) return;
    const code = String(new FormData(event.currentTarget as HTMLFormElement).get('code') ?? '').replace(
      /\s+/g,
      '',
    );
    setBusy(true);
    setError(undefined);
    try {
      const result = await call(`/v1/me/factors/totp/${encodeURIComponent(started.id)}/confirm`, { code });
      await props.onEnrolled(result);
    } catch (err) {
      setError(describeFailure(err));
    } finally {
      setBusy(false);
    }
  };

  // A started enrolment is an unconfirmed factor: cancelling removes it (signed in; an enrolment
  // token's pending factor simply never counts).
  const cancel = async () => {
    if (started && props.mfaToken === undefined)
      await api('DELETE', `/v1/me/factors/${encodeURIComponent(started.id)}`).catch(() => undefined);
    props.onCancel?.();
  };

  const secret = started ? secretOf(started.otpauth_uri) : '';
  return (
    <div class="panel" data-testid="totp-enrol">
      {error ? <Alert kind="error">{error}</Alert> : null}
      {started ? (
        <ol class="steps">
          <li>
            Scan this code with an authenticator app (Aegis, FreeOTP, 1Password, Google Authenticator…):
            <QrCode svg={started.qr_svg} label="QR code of the authenticator key" />
          </li>
          <li>
            Or enter this key by hand (time-based, 6 digits, every 30 seconds):
            <p class="mono secret" data-testid="totp-secret" data-secret={secret}>
              {grouped(secret)}
            </p>
            <p class="muted">
              On a phone, <a href={started.otpauth_uri}>open it in an authenticator app on this device</a>.
            </p>
          </li>
          <li>
            <form class="stack" onSubmit={confirm}>
              <label for="totp-enrol-code">The 6-digit code the app shows now</label>
              <TotpCodeInput id="totp-enrol-code" />
              <div class="actions">
                <button type="submit" disabled={busy}>
                  {busy ? 'Checking…' : 'Confirm and turn on'}
                </button>
                {props.onCancel ? (
                  <button type="button" class="secondary" onClick={cancel}>
                    Cancel
                  </button>
                ) : null}
              </div>
            </form>
          </li>
        </ol>
      ) : error ? null : (
        <p role="status">Preparing a new key…</p>
      )}
    </div>
  );
}
