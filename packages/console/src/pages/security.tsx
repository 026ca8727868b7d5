// Second factors of my account: the list (remove one), an authenticator app (TOTP with its QR code,
// confirmed by a first code), passkeys (named, one per device), and recovery codes (shown once; new
// ones end the old ones). Removing the last factor and making new codes need a second factor
// confirmed in the last few minutes: the server asks, and the step-up dialog handles it.
import { useState } from 'preact/hooks';
import { type FactorList, factorKind, type PublicFactor } from '../mfa/factor-names.js';
import { createPasskey, passkeysSupported } from '../mfa/passkey-browser.js';
import { RecoveryCodes } from '../mfa/recovery-codes.js';
import { TotpEnrol } from '../mfa/totp-enrol.js';
import { api, type Json } from '../session.js';
import { Alert } from '../ui/alert.js';
import { ConfirmButton } from '../ui/confirm.js';
import { When } from '../ui/format.js';
import { useAction, useLoad } from '../ui/use-load.js';

export function SecurityPage() {
  const { data, error, reload } = useLoad(async () => (await api('GET', '/v1/me/factors')) as FactorList);
  const action = useAction();
  const [codes, setCodes] = useState<string[]>();
  const [enrolling, setEnrolling] = useState(false);
  const confirmed = data?.factors.filter((f) => f.confirmed) ?? [];

  const enrolled = async (result: Json, what: string) => {
    if (Array.isArray(result?.recovery_codes)) setCodes(result.recovery_codes);
    await reload();
    action.setMessage({ kind: 'success', text: what });
  };

  const remove = (f: PublicFactor) =>
    action.run(async () => {
      await api('DELETE', `/v1/me/factors/${encodeURIComponent(f.id)}`);
      await reload();
      return `Removed ${f.name}.`;
    });

  const addPasskey = (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const name = String(new FormData(form).get('name') ?? '').trim();
    void action.run(async () => {
      const options = await api('POST', '/v1/me/factors/webauthn/options', {});
      const response = await createPasskey(options);
      const result = await api('POST', '/v1/me/factors/webauthn', { response, ...(name ? { name } : {}) });
      form.reset();
      if (Array.isArray(result?.recovery_codes)) setCodes(result.recovery_codes);
      await reload();
      return `Passkey “${result.factor.name}” registered.`;
    });
  };

  const newCodes = () =>
    action.run(async () => {
      const result = await api('POST', '/v1/me/recovery-codes');
      setCodes(result.recovery_codes);
      await reload();
      return 'New recovery codes made: the old ones no longer work.';
    });

  return (
    <section>
      <h1>Second factors</h1>
      <p class="lead">
        With a second factor, a stolen password alone no longer opens your account: signing in also asks for a
        code from your authenticator app or one of your passkeys.
      </p>
      {error ? <Alert kind="error">{error}</Alert> : null}
      {action.message ? <Alert kind={action.message.kind}>{action.message.text}</Alert> : null}
      {codes ? <RecoveryCodes codes={codes} onDone={() => setCodes(undefined)} /> : null}

      <h2>Your factors</h2>
      {data && data.factors.length === 0 ? (
        <p>No second factor yet: your password alone signs you in.</p>
      ) : null}
      {data && data.factors.length > 0 ? (
        <table class="data">
          <caption class="sr-only">Your second factors</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">Added</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.factors.map((f) => (
              <tr key={f.id} data-factor={f.name}>
                <td data-label="Name">
                  {f.name} {f.confirmed ? null : <span class="tag warn">not confirmed</span>}
                </td>
                <td data-label="Kind">{factorKind(f.type)}</td>
                <td data-label="Added">
                  <When iso={f.created_at} />
                </td>
                <td data-label="Last used">
                  <When iso={f.last_used_at} />
                </td>
                <td>
                  <ConfirmButton
                    label={`Remove ${f.name}`}
                    title={`Remove ${f.name}?`}
                    confirmLabel="Remove"
                    danger
                    onConfirm={() => remove(f).then(() => undefined)}
                  >
                    <p>
                      {confirmed.length === 1 && f.confirmed
                        ? 'This is your last second factor: your recovery codes go with it, and your password alone will sign you in. You will be asked to confirm a second factor first.'
                        : 'It will no longer sign you in.'}
                    </p>
                  </ConfirmButton>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}

      <h2>Authenticator app</h2>
      {enrolling ? (
        <TotpEnrol
          onEnrolled={async (result) => {
            setEnrolling(false);
            await enrolled(result, 'Authenticator app turned on: sign-ins now ask for its code.');
          }}
          onCancel={() => {
            setEnrolling(false);
            void reload();
          }}
        />
      ) : (
        <div class="actions">
          <button type="button" onClick={() => setEnrolling(true)}>
            Set up an authenticator app
          </button>
        </div>
      )}

      <h2>Passkeys</h2>
      {passkeysSupported() ? (
        <form class="inline" onSubmit={addPasskey}>
          <label>
            Name of the new passkey
            <input name="name" maxLength={64} placeholder="e.g. Work laptop" autocomplete="off" />
          </label>
          <button type="submit" disabled={action.busy}>
            Register a passkey
          </button>
        </form>
      ) : (
        <p>This browser does not support passkeys.</p>
      )}
      <p class="muted">
        A passkey lives on this device (or your password manager) and unlocks with its PIN or fingerprint. It
        can also sign you in without your email and password.
      </p>

      <h2>Recovery codes</h2>
      {data ? (
        <p data-testid="recovery-remaining">
          {confirmed.length === 0
            ? 'Recovery codes come with your first second factor.'
            : `${data.recovery_codes_remaining} unused recovery code${data.recovery_codes_remaining === 1 ? '' : 's'} left.`}
        </p>
      ) : null}
      <ConfirmButton
        label="Make new recovery codes"
        title="Make new recovery codes?"
        confirmLabel="Make new codes"
        disabled={confirmed.length === 0}
        onConfirm={() => newCodes().then(() => undefined)}
      >
        <p>Ten new codes are shown once; every old code stops working.</p>
      </ConfirmButton>
    </section>
  );
}
