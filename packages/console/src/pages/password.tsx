// Change password: every other session is signed out by the server; this one stays.
import { api } from '../session.js';
import { Alert } from '../ui/alert.js';
import { useAction } from '../ui/use-load.js';

export function PasswordPage() {
  const action = useAction();
  const submit = (event: Event) => {
    event.preventDefault();
    const formEl = event.currentTarget as HTMLFormElement;
    const form = new FormData(formEl);
    if (form.get('new_password') !== form.get('repeat')) {
      action.setMessage({ kind: 'error', text: 'The new passwords do not match.' });
      return;
    }
    void action.run(async () => {
      await api('POST', '/v1/auth/password', {
        current_password: form.get('current_password'),
        new_password: form.get('new_password'),
      });
      formEl.reset();
      return 'Password changed. Your other sessions were signed out.';
    });
  };
  return (
    <section>
      <h1>Change password</h1>
      <p class="lead">Changing your password signs out every other session.</p>
      {action.message ? <Alert kind={action.message.kind}>{action.message.text}</Alert> : null}
      <form class="stack" onSubmit={submit}>
        <label>
          Current password
          <input name="current_password" type="password" autocomplete="current-password" required />
        </label>
        <label>
          New password
          <input name="new_password" type="password" autocomplete="new-password" minLength={8} required />
        </label>
        <label>
          Repeat the new password
          <input name="repeat" type="password" autocomplete="new-password" minLength={8} required />
        </label>
        <div class="actions">
          <button type="submit" disabled={action.busy}>
            Change password
          </button>
        </div>
      </form>
    </section>
  );
}
