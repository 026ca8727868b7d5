// The pages that links in mails open: verify an email address, reset a forgotten password, confirm
// an email change. The one-time token comes in the link's fragment (#token=, never sent to any
// server by the browser) or query; it is taken out of the address bar at once.
import { useEffect, useState } from 'preact/hooks';
import { BASE, takeLinkToken } from '../router.js';
import { publicApi } from '../session.js';
import { Alert } from '../ui/alert.js';
import { useAction } from '../ui/use-load.js';

function useLinkToken(): string | undefined {
  const [token] = useState(takeLinkToken);
  return token;
}

const NO_TOKEN = 'This link has no token. Open the link from the mail again, or ask for a new mail.';

function OneClickPage(props: { title: string; path: string; done: string }) {
  const token = useLinkToken();
  const action = useAction();
  useEffect(() => {
    if (token)
      void action.run(async () => {
        await publicApi('POST', props.path, { token });
        return props.done;
      });
  }, [token]);
  return (
    <section>
      <h1>{props.title}</h1>
      {!token ? <Alert kind="error">{NO_TOKEN}</Alert> : null}
      {token && action.busy ? <p role="status">Checking the link…</p> : null}
      {action.message ? <Alert kind={action.message.kind}>{action.message.text}</Alert> : null}
      <p>
        <a href={`${BASE}/`}>Go to the console</a>
      </p>
    </section>
  );
}

export function VerifyEmailPage() {
  return (
    <OneClickPage title="Verify email" path="/v1/auth/verify-email" done="Your email address is verified." />
  );
}

export function ConfirmEmailPage() {
  return (
    <OneClickPage
      title="Confirm email change"
      path="/v1/auth/email/confirm"
      done="Your new email address is confirmed: use it to sign in from now on."
    />
  );
}

export function ResetPasswordPage() {
  const token = useLinkToken();
  const action = useAction();
  const [done, setDone] = useState(false);
  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    if (form.get('password') !== form.get('repeat')) {
      action.setMessage({ kind: 'error', text: 'The passwords do not match.' });
      return;
    }
    void action.run(async () => {
      await publicApi('POST', '/v1/auth/password/reset', { token, password: form.get('password') });
      setDone(true);
      return 'Your password is reset and every session was signed out. Sign in with the new password.';
    });
  };
  return (
    <section>
      <h1>Reset password</h1>
      {!token ? <Alert kind="error">{NO_TOKEN}</Alert> : null}
      {action.message ? <Alert kind={action.message.kind}>{action.message.text}</Alert> : null}
      {token && !done ? (
        <form class="stack" onSubmit={submit}>
          <label>
            New password
            <input name="password" type="password" autocomplete="new-password" minLength={8} required />
          </label>
          <label>
            Repeat the new password
            <input name="repeat" type="password" autocomplete="new-password" minLength={8} required />
          </label>
          <div class="actions">
            <button type="submit" disabled={action.busy}>
              Set the new password
            </button>
          </div>
        </form>
      ) : null}
      <p>
        <a href={`${BASE}/`}>Go to sign in</a>
      </p>
    </section>
  );
}
