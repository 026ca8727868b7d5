// One second factor, as the user gives it: a code from the authenticator app, a recovery code, or
// a passkey of this device. Used by the second step of sign-in and by the step-up dialog; the
// caller decides what a proof unlocks (`onProof`) and where passkey options come from.
import type { FactorProof } from '@tessera/client';
import { useState } from 'preact/hooks';
import { describeFailure, type Json } from '../session.js';
import { Alert } from '../ui/alert.js';
import { passkeysSupported, usePasskey } from './passkey-browser.js';
import { TotpCodeInput } from './totp-code-input.js';

type CodeMethod = 'totp' | 'recovery_code';

export function FactorProofForm(props: {
  /** What the account can use: 'totp', 'webauthn', 'recovery_code' (the server's `methods`). */
  methods: string[];
  onProof: (proof: FactorProof) => Promise<void>;
  passkeyOptions: () => Promise<Json>;
  idPrefix: string;
}) {
  const hasTotp = props.methods.includes('totp');
  const hasRecovery = props.methods.includes('recovery_code');
  const hasPasskey = props.methods.includes('webauthn') && passkeysSupported();
  const [mode, setMode] = useState<CodeMethod>(hasTotp ? 'totp' : 'recovery_code');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const attempt = async (proof: () => Promise<FactorProof>) => {
    setBusy(true);
    setError(undefined);
    try {
      await props.onProof(await proof());
    } catch (err) {
      setError(describeFailure(err));
    } finally {
      setBusy(false);
    }
  };

  const submitCode = (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const code = String(new FormData(form).get('code') ?? '').trim();
    void attempt(async () => ({ method: mode, code })).then(() => {
      const input = form.elements.namedItem('code') as HTMLInputElement | null;
      if (input) input.value = '';
    });
  };

  const passkey = () =>
    attempt(async () => ({ method: 'webauthn', response: await usePasskey(await props.passkeyOptions()) }));

  const showCodeForm = mode === 'totp' ? hasTotp : hasRecovery;
  const codeId = `${props.idPrefix}-code`;
  return (
    <div class="stack-plain">
      {error ? <Alert kind="error">{error}</Alert> : null}
      {hasPasskey ? (
        <div class="actions">
          <button type="button" onClick={passkey} disabled={busy}>
            Use a passkey
          </button>
        </div>
      ) : null}
      {showCodeForm ? (
        <form class="stack" onSubmit={submitCode}>
          <label for={codeId}>{mode === 'totp' ? 'Code from your authenticator app' : 'Recovery code'}</label>
          {mode === 'totp' ? (
            // Keys: each kind of code gets its own input, so no attribute (pattern) carries over.
            <TotpCodeInput key="totp" id={codeId} />
          ) : (
            <input
              key="recovery"
              id={codeId}
              name="code"
              autocomplete="off"
              autocapitalize="characters"
              spellcheck={false}
              maxLength={64}
              required
            />
          )}
          <div class="actions">
            <button type="submit" disabled={busy}>
              {busy ? 'Checking…' : 'Verify'}
            </button>
          </div>
        </form>
      ) : null}
      {hasTotp && hasRecovery ? (
        <p>
          <button
            type="button"
            class="link"
            onClick={() => {
              setError(undefined);
              setMode(mode === 'totp' ? 'recovery_code' : 'totp');
            }}
          >
            {mode === 'totp' ? 'Use a recovery code instead' : 'Use the authenticator app instead'}
          </button>
        </p>
      ) : null}
    </div>
  );
}
