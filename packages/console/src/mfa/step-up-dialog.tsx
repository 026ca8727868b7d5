// The step-up prompt: when the server answers 401 insufficient_user_authentication (removing the
// last factor, new recovery codes), `api` asks this dialog; the user re-proves a factor at
// POST /v1/auth/step-up (client.stepUp), the session gets a fresh auth_time, and the request is
// tried again. Cancelling gives the original error back to the page.
import type { FactorProof } from '@tessera/client';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, client, setStepUpHandler } from '../session.js';
import { FactorProofForm } from './factor-proof-form.js';

interface Pending {
  reason: string | undefined;
  methods: string[];
  resolve: (steppedUp: boolean) => void;
}

async function methodsOfMe(): Promise<string[]> {
  try {
    const list = await api('GET', '/v1/me/factors');
    const confirmed = (list.factors as Array<{ type: string; confirmed: boolean }>).filter(
      (f) => f.confirmed,
    );
    const methods = [...new Set(confirmed.map((f) => f.type))];
    if (list.recovery_codes_remaining > 0) methods.push('recovery_code');
    return methods;
  } catch {
    return ['totp', 'webauthn', 'recovery_code'];
  }
}

export function StepUpDialog() {
  const dialog = useRef<HTMLDialogElement>(null);
  const [pending, setPending] = useState<Pending>();
  const pendingRef = useRef<Pending | undefined>(undefined);

  useEffect(
    () =>
      setStepUpHandler(
        (reason) =>
          new Promise<boolean>((resolve) => {
            void methodsOfMe().then((methods) => {
              const p = { reason, methods, resolve };
              pendingRef.current = p;
              setPending(p);
            });
          }),
      ),
    [],
  );

  useEffect(() => {
    if (pending && !dialog.current?.open) dialog.current?.showModal();
  }, [pending]);

  const finish = (steppedUp: boolean) => {
    const p = pendingRef.current;
    pendingRef.current = undefined;
    setPending(undefined);
    if (dialog.current?.open) dialog.current.close();
    p?.resolve(steppedUp);
  };

  const onProof = async (proof: FactorProof) => {
    await client.stepUp(proof);
    finish(true);
  };

  return (
    <dialog ref={dialog} aria-labelledby="step-up-title" onClose={() => finish(false)}>
      <h2 id="step-up-title">Confirm a second factor</h2>
      <p>This change needs a second factor confirmed in the last few minutes.</p>
      {pending ? (
        <FactorProofForm
          methods={pending.methods}
          onProof={onProof}
          passkeyOptions={() => client.stepUpWebAuthnOptions()}
          idPrefix="step-up"
        />
      ) : null}
      <div class="actions spaced">
        <button type="button" class="secondary" onClick={() => finish(false)}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
