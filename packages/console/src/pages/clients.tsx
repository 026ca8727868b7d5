// Admin · OAuth clients: create (the secret is shown once, here), rotate the secret, disable.
import { useState } from 'preact/hooks';
import { api, apiAll } from '../session.js';
import { Alert } from '../ui/alert.js';
import { ConfirmButton } from '../ui/confirm.js';
import { When } from '../ui/format.js';
import { useAction, useLoad } from '../ui/use-load.js';

interface Client {
  client_id: string;
  name: string;
  scopes: string[];
  audiences: string[];
  grant_types?: string[];
  disabled: boolean;
  created_at: string;
}

const SCOPES = ['revocations:read', 'introspect', 'revoke'];
const GRANTS = [
  ['client_credentials', 'client credentials'],
  ['urn:ietf:params:oauth:grant-type:token-exchange', 'token exchange'],
] as const;
const words = (text: FormDataEntryValue | null) =>
  String(text ?? '')
    .split(/[\s,]+/)
    .filter(Boolean);

function SecretOnce(props: { clientId: string; secret: string; onDone: () => void }) {
  return (
    <div class="panel" role="status">
      <h2>Secret of {props.clientId}</h2>
      <p>
        <strong>Copy it now: it is shown this once.</strong> The server keeps only a hash of it.
      </p>
      <p class="mono secret" data-testid="client-secret">
        {props.secret}
      </p>
      <div class="actions">
        <button
          type="button"
          class="secondary"
          onClick={() => void navigator.clipboard?.writeText(props.secret)}
        >
          Copy
        </button>
        <button type="button" onClick={props.onDone}>
          I have stored it
        </button>
      </div>
    </div>
  );
}

export function ClientsPage() {
  const { data, error, reload } = useLoad(
    async () => (await apiAll('/v1/admin/clients', 'clients')) as Client[],
  );
  const action = useAction();
  const [secret, setSecret] = useState<{ clientId: string; secret: string }>();

  const create = (event: Event) => {
    event.preventDefault();
    const formEl = event.currentTarget as HTMLFormElement;
    const form = new FormData(formEl);
    void action.run(async () => {
      const grants = form.getAll('grant_types');
      const res = await api('POST', '/v1/admin/clients', {
        name: form.get('name'),
        scopes: [...form.getAll('scopes'), ...words(form.get('more_scopes'))],
        audiences: words(form.get('audiences')),
        ...(grants.length > 0 ? { grant_types: grants } : {}),
      });
      setSecret({ clientId: res.client_id, secret: res.client_secret });
      formEl.reset();
      await reload();
      return `Created client ${res.name}.`;
    });
  };
  const rotate = (c: Client) =>
    action.run(async () => {
      const res = await api('POST', `/v1/admin/clients/${encodeURIComponent(c.client_id)}/secret`);
      setSecret({ clientId: c.client_id, secret: res.client_secret });
      return `New secret for ${c.name}: the old one no longer works.`;
    });
  const setDisabled = (c: Client, disabled: boolean) =>
    action.run(async () => {
      await api('PATCH', `/v1/admin/clients/${encodeURIComponent(c.client_id)}`, { disabled });
      await reload();
      return disabled ? `${c.name} is disabled.` : `${c.name} is enabled.`;
    });

  return (
    <section>
      <h1>OAuth clients</h1>
      <p class="lead">
        Services that get tokens with their own credentials (client credentials, token exchange).
      </p>
      {error ? <Alert kind="error">{error}</Alert> : null}
      {action.message ? <Alert kind={action.message.kind}>{action.message.text}</Alert> : null}
      {secret ? <SecretOnce {...secret} onDone={() => setSecret(undefined)} /> : null}
      <details class="panel">
        <summary>Create a client</summary>
        <form class="stack" onSubmit={create}>
          <label>
            Name
            <input name="name" required maxLength={100} autocomplete="off" />
          </label>
          <fieldset>
            <legend>Scopes</legend>
            {SCOPES.map((s) => (
              <label class="check" key={s}>
                <input type="checkbox" name="scopes" value={s} /> {s}
              </label>
            ))}
          </fieldset>
          <label>
            Other scopes (space-separated)
            <input name="more_scopes" autocomplete="off" />
          </label>
          <fieldset>
            <legend>Grant types</legend>
            {GRANTS.map(([value, text]) => (
              <label class="check" key={value}>
                <input
                  type="checkbox"
                  name="grant_types"
                  value={value}
                  defaultChecked={value === 'client_credentials'}
                />{' '}
                {text}
              </label>
            ))}
          </fieldset>
          <label>
            Audiences (comma-separated)
            <input name="audiences" autocomplete="off" />
          </label>
          <div class="actions">
            <button type="submit" disabled={action.busy}>
              Create client
            </button>
          </div>
        </form>
      </details>
      <table class="data">
        <caption class="sr-only">OAuth clients</caption>
        <thead>
          <tr>
            <th scope="col">Client</th>
            <th scope="col">Scopes</th>
            <th scope="col">Audiences</th>
            <th scope="col">Status</th>
            <th scope="col">Created</th>
            <th scope="col">
              <span class="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {data?.map((c) => (
            <tr key={c.client_id}>
              <td data-label="Client">
                {c.name}
                <div class="muted mono">{c.client_id}</div>
              </td>
              <td data-label="Scopes">
                {c.scopes.join(', ') || '—'}
                {c.grant_types ? (
                  <div class="muted">
                    grants:{' '}
                    {c.grant_types.map((g) => (g.startsWith('urn:') ? 'token exchange' : g)).join(', ')}
                  </div>
                ) : null}
              </td>
              <td data-label="Audiences">{c.audiences.join(', ') || '—'}</td>
              <td data-label="Status">
                {c.disabled ? <span class="tag bad">disabled</span> : <span class="tag ok">active</span>}
              </td>
              <td data-label="Created">
                <When iso={c.created_at} />
              </td>
              <td>
                <div class="actions">
                  <ConfirmButton
                    label="Rotate secret"
                    title={`Rotate the secret of ${c.name}?`}
                    confirmLabel="Rotate"
                    onConfirm={() => rotate(c).then(() => undefined)}
                  >
                    <p>A new secret is made and shown once; the current one stops working at once.</p>
                  </ConfirmButton>
                  <ConfirmButton
                    label={c.disabled ? 'Enable' : 'Disable'}
                    title={`${c.disabled ? 'Enable' : 'Disable'} ${c.name}?`}
                    confirmLabel={c.disabled ? 'Enable' : 'Disable'}
                    danger={!c.disabled}
                    onConfirm={() => setDisabled(c, !c.disabled).then(() => undefined)}
                  >
                    <p>
                      {c.disabled
                        ? 'The client can get tokens again.'
                        : 'The client can no longer get tokens.'}
                    </p>
                  </ConfirmButton>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {data?.length === 0 ? <p class="muted">No clients yet.</p> : null}
    </section>
  );
}
