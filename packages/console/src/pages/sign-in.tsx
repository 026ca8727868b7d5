// Sign in with email and password through @tessera/client: the access token stays in memory and
// the refresh token arrives as an HttpOnly cookie this page cannot read.
import { useState } from 'preact/hooks';
import { BASE } from '../router.js';
import { client, describeFailure } from '../session.js';
import { Alert } from '../ui/alert.js';

const REASONS: Record<string, string> = {
  logout: 'You signed out.',
  logout_all: 'You signed out everywhere.',
};

export function SignInPage(props: { reason?: string | undefined; onSignedIn: () => Promise<void> }) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(undefined);
    try {
      await client.login({ email: String(form.get('email')), password: String(form.get('password')) });
      await props.onSignedIn();
    } catch (err) {
      setError(describeFailure(err));
    } finally {
      setBusy(false);
    }
  };
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
      <p class="muted">
        Only checking a token? The <a href={`${BASE}/debugger`}>token debugger</a> works without signing in.
      </p>
    </section>
  );
}
