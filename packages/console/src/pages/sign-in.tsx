// Sign in through @tessera/client: the access token stays in memory and the refresh token arrives
// as an HttpOnly cookie this page cannot read. With a second factor the password step answers
// MfaRequiredError and the second step asks for a code or a passkey (POST /v1/auth/mfa); an
// account whose role requires a second factor enrols one first and is then signed in. A passkey
// can also sign in alone, without email or password (POST /v1/auth/webauthn).
import { MfaRequiredError } from '@tessera/client';
import { useState } from 'preact/hooks';
import { FactorProofForm } from '../mfa/factor-proof-form.js';
import { createPasskey, passkeysSupported, usePasskey } from '../mfa/passkey-browser.js';
import { RecoveryCodes } from '../mfa/recovery-codes.js';
import { TotpEnrol } from '../mfa/totp-enrol.js';
import { BASE } from '../router.js';
import { client, describeFailure, type Json, publicApi } from '../session.js';
import { Alert } from '../ui/alert.js';

const REASONS: Record<string, string> = {
  logout: 'You signed out.',
  logout_all: 'You signed out everywhere.',
};

type Step =
  | { kind: 'password' }
  | { kind: 'second'; mfaToken: string; methods: string[] }
  | { kind: 'enrol'; mfaToken: string }
  | { kind: 'codes'; codes: string[] };

/**
 * The routes that finish a sign-in without the SDK (passkey alone, forced enrolment) set the
 * refresh cookie; one refresh through it hands the session to the SDK.
 */
async function adoptCookieSession(): Promise<void> {
  await client.refresh();
}

export function SignInPage(props: { reason?: string | undefined; onSignedIn: () => Promise<void> }) {
  const [step, setStep] = useState<Step>({ kind: 'password' });
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (err) {
      if (err instanceof MfaRequiredError) {
        setStep(
          err.code === 'mfa_enrollment_required'
            ? { kind: 'enrol', mfaToken: err.mfaToken }
            : { kind: 'second', mfaToken: err.mfaToken, methods: err.methods },
        );
        document.getElementById('main')?.focus();
      } else setError(describeFailure(err));
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    void run(async () => {
      await client.login({ email: String(form.get('email')), password: String(form.get('password')) });
      await props.onSignedIn();
    });
  };

  const passkeyOnly = () =>
    run(async () => {
      const options = await publicApi('POST', '/v1/auth/webauthn/options', {});
      const response = await usePasskey(options);
      await publicApi('POST', '/v1/auth/webauthn', { response });
      await adoptCookieSession();
      await props.onSignedIn();
    });

  /** Confirming the first factor with the enrolment token signs in: adopt it, then show the codes. */
  const enrolled = async (result: Json) => {
    await adoptCookieSession();
    const codes = result?.recovery_codes as string[] | undefined;
    if (codes && codes.length > 0) setStep({ kind: 'codes', codes });
    else await props.onSignedIn();
  };

  const enrolPasskey = (mfaToken: string) =>
    run(async () => {
      const options = await publicApi('POST', '/v1/me/factors/webauthn/options', { mfa_token: mfaToken });
      const response = await createPasskey(options);
      await enrolled(await publicApi('POST', '/v1/me/factors/webauthn', { response, mfa_token: mfaToken }));
    });

  const startOver = () => {
    setError(undefined);
    setStep({ kind: 'password' });
  };

  if (step.kind === 'second') {
    const { mfaToken } = step;
    return (
      <section>
        <h1>Second step</h1>
        <p class="lead">Your password was right. Now confirm it is you with your second factor.</p>
        <FactorProofForm
          methods={step.methods}
          idPrefix="second-step"
          passkeyOptions={() => publicApi('POST', '/v1/auth/webauthn/options', { mfa_token: mfaToken })}
          onProof={async (proof) => {
            await client.completeMfa(mfaToken, proof);
            await props.onSignedIn();
          }}
        />
        <p>
          <button type="button" class="link" onClick={startOver}>
            Start over
          </button>
        </p>
        <p class="muted">Lost your second factor and your recovery codes? An administrator can reset them.</p>
      </section>
    );
  }

  if (step.kind === 'enrol') {
    const { mfaToken } = step;
    return (
      <section>
        <h1>Set up a second factor</h1>
        <p class="lead">
          Your account must use a second factor. Set up an authenticator app (or register a passkey) now: you
          will be signed in once it is confirmed.
        </p>
        {error ? <Alert kind="error">{error}</Alert> : null}
        {passkeysSupported() ? (
          <div class="actions">
            <button type="button" class="secondary" onClick={() => enrolPasskey(mfaToken)} disabled={busy}>
              Register a passkey instead
            </button>
          </div>
        ) : null}
        <TotpEnrol mfaToken={mfaToken} onEnrolled={enrolled} onCancel={startOver} />
      </section>
    );
  }

  if (step.kind === 'codes') {
    return (
      <section>
        <h1>Second factor ready</h1>
        {error ? <Alert kind="error">{error}</Alert> : null}
        <RecoveryCodes
          codes={step.codes}
          doneLabel="I have stored them: continue"
          onDone={() => void run(props.onSignedIn)}
        />
      </section>
    );
  }

  const note = props.reason
    ? (REASONS[props.reason] ?? 'Your session has ended (it was revoked or has expired). Sign in again.')
    : undefined;
  return (
    <section>
      <h1>Sign in</h1>
      {note ? <Alert kind="info">{note}</Alert> : null}
      {error ? <Alert kind="error">{error}</Alert> : null}
      <form class="stack" onSubmit={submit}>
        <label>
          Email
          <input name="email" type="email" autocomplete="username" required />
        </label>
        <label>
          Password
          <input name="password" type="password" autocomplete="current-password" required />
        </label>
        <div class="actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </div>
      </form>
      {passkeysSupported() ? (
        <div class="actions spaced">
          <button type="button" class="secondary" onClick={passkeyOnly} disabled={busy}>
            Sign in with a passkey
          </button>
        </div>
      ) : null}
      <p class="muted">
        Only checking a token? The <a href={`${BASE}/debugger`}>token debugger</a> works without signing in.
      </p>
    </section>
  );
}
