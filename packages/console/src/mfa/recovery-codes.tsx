// Recovery codes, shown once: the server keeps only their hashes. Each opens the account once
// when the authenticator app or passkey is lost.

export function RecoveryCodes(props: { codes: string[]; onDone: () => void; doneLabel?: string }) {
  const text = props.codes.join('\n');
  return (
    <section class="panel" aria-labelledby="recovery-codes-title">
      <h2 id="recovery-codes-title">Your recovery codes</h2>
      <p>
        <strong>Store them now (a password manager, or on paper): they are shown this once.</strong> Each code
        signs you in once in place of your second factor. Making new codes makes these stop working.
      </p>
      <ol class="codes mono secret" data-testid="recovery-codes">
        {props.codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ol>
      <div class="actions">
        <button
          type="button"
          class="secondary"
          onClick={() => void navigator.clipboard?.writeText(text).catch(() => undefined)}
        >
          Copy
        </button>
        <button type="button" onClick={props.onDone}>
          {props.doneLabel ?? 'I have stored them'}
        </button>
      </div>
    </section>
  );
}
