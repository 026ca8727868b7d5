// My data: download everything the server keeps about me (GET /v1/me/export), or erase the account
// (DELETE /v1/me with the password; every session ends).
import { useState } from 'preact/hooks';
import { api, client } from '../session.js';
import { Alert } from '../ui/alert.js';
import { useAction } from '../ui/use-load.js';

export function AccountPage() {
  const exporting = useAction();
  const deleting = useAction();
  const [download, setDownload] = useState<string>();
  const [confirming, setConfirming] = useState(false);

  const exportData = () =>
    exporting.run(async () => {
      const data = await api('GET', '/v1/me/export');
      const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
      if (download) URL.revokeObjectURL(download);
      setDownload(URL.createObjectURL(blob));
      return 'Your data is ready: use the download link below.';
    });

  const deleteAccount = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    void deleting.run(async () => {
      await api('DELETE', '/v1/me', { password: form.get('password') });
      // The server ended every session; forget this one here too.
      await client.logout().catch(() => undefined);
      return 'Your account was deleted.';
    });
  };

  return (
    <section>
      <h1>My data</h1>
      <h2>Export</h2>
      <p>Download everything this server keeps about your account, as JSON.</p>
      {exporting.message ? <Alert kind={exporting.message.kind}>{exporting.message.text}</Alert> : null}
      <div class="actions">
        <button type="button" onClick={exportData} disabled={exporting.busy}>
          Prepare my data
        </button>
        {download ? (
          <a href={download} download="tessera-account.json">
            Download tessera-account.json
          </a>
        ) : null}
      </div>
      <h2>Delete my account</h2>
      <p>
        This erases your account and signs out every session. The audit log keeps only your user id. It cannot
        be undone.
      </p>
      {deleting.message ? <Alert kind={deleting.message.kind}>{deleting.message.text}</Alert> : null}
      {confirming ? (
        <form class="stack panel" onSubmit={deleteAccount}>
          <label>
            Your password, to confirm
            <input name="password" type="password" autocomplete="current-password" required />
          </label>
          <div class="actions">
            <button type="submit" class="danger" disabled={deleting.busy}>
              Delete my account for good
            </button>
            <button type="button" class="secondary" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <button type="button" class="danger" onClick={() => setConfirming(true)}>
          Delete my account…
        </button>
      )}
    </section>
  );
}
