// Admin · users: search the loaded list, create, disable/enable, roles, application claims, a
// password-reset mail, and the user's second factors (list, reset).
import { useState } from 'preact/hooks';
import { AdminUserFactors } from '../mfa/admin-user-factors.js';
import { api, publicApi } from '../session.js';
import { Alert } from '../ui/alert.js';
import { ConfirmButton } from '../ui/confirm.js';
import { When } from '../ui/format.js';
import { useAction, useLoad } from '../ui/use-load.js';

interface User {
  id: string;
  email: string;
  roles: string[];
  disabled: boolean;
  claims?: Record<string, unknown>;
  created_at: string;
}

const splitList = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((r) => r.trim())
    .filter(Boolean);

export function UsersPage() {
  const [pages, setPages] = useState(1);
  const { data, error, reload } = useLoad(async () => {
    const users: User[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < pages; i++) {
      const page: { users: User[]; next_cursor: string | null } = await api(
        'GET',
        `/v1/admin/users?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      users.push(...page.users);
      cursor = page.next_cursor;
      if (!cursor) break;
    }
    return { users, more: cursor !== null };
  }, [pages]);
  const [query, setQuery] = useState('');
  const create = useAction();
  const q = query.trim().toLowerCase();
  const shown =
    data?.users.filter(
      (u) => !q || u.email.toLowerCase().includes(q) || u.id.toLowerCase().includes(q) || u.roles.includes(q),
    ) ?? [];

  const submit = (event: Event) => {
    event.preventDefault();
    const formEl = event.currentTarget as HTMLFormElement;
    const form = new FormData(formEl);
    void create.run(async () => {
      const roles = splitList(String(form.get('roles') ?? ''));
      const res = await api('POST', '/v1/admin/users', {
        email: form.get('email'),
        password: form.get('password'),
        roles: roles.length > 0 ? roles : ['user'],
      });
      formEl.reset();
      await reload();
      return `Created ${res.user.email}.`;
    });
  };

  return (
    <section>
      <h1>Users</h1>
      {error ? <Alert kind="error">{error}</Alert> : null}
      <details class="panel">
        <summary>Create a user</summary>
        {create.message ? <Alert kind={create.message.kind}>{create.message.text}</Alert> : null}
        <form class="stack" onSubmit={submit}>
          <label>
            Email
            <input name="email" type="email" autocomplete="off" required />
          </label>
          <label>
            Initial password
            <input name="password" type="password" autocomplete="new-password" minLength={8} required />
          </label>
          <label>
            Roles (comma-separated)
            <input name="roles" placeholder="user" autocomplete="off" />
          </label>
          <div class="actions">
            <button type="submit" disabled={create.busy}>
              Create user
            </button>
          </div>
        </form>
      </details>
      <search class="inline">
        <label>
          Search users
          <input
            type="search"
            value={query}
            onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)}
            placeholder="email, id or role"
          />
        </label>
        <span class="muted" role="status">
          {data ? `${shown.length} of ${data.users.length} loaded` : ''}
        </span>
      </search>
      <table class="data">
        <caption class="sr-only">Users</caption>
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Roles</th>
            <th scope="col">Status</th>
            <th scope="col">Created</th>
            <th scope="col">Manage</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((u) => (
            <UserRow key={u.id} user={u} onChanged={reload} />
          ))}
        </tbody>
      </table>
      {data?.more ? (
        <button type="button" class="secondary" onClick={() => setPages(pages + 1)}>
          Load more users
        </button>
      ) : null}
    </section>
  );
}

function UserRow(props: { user: User; onChanged: () => Promise<void> }) {
  const u = props.user;
  const action = useAction();
  const [open, setOpen] = useState(false);
  const path = `/v1/admin/users/${encodeURIComponent(u.id)}`;
  const patch = (body: Record<string, unknown>, done: string) =>
    action.run(async () => {
      await api('PATCH', path, body);
      await props.onChanged();
      return done;
    });

  const saveRoles = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    void patch({ roles: splitList(String(form.get('roles'))) }, 'Roles saved.');
  };
  const saveClaims = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    let claims: unknown;
    try {
      claims = JSON.parse(String(form.get('claims') || '{}'));
    } catch {
      action.setMessage({ kind: 'error', text: 'Claims must be a JSON object, e.g. {"plan": "pro"}.' });
      return;
    }
    const revokeTokens = form.get('revoke_tokens') === 'on';
    void action.run(async () => {
      // A reserved name or an oversize set is a 400 naming the claim; the message says which.
      await api('PATCH', path, { claims, ...(revokeTokens ? { revoke_tokens: true } : {}) });
      await props.onChanged();
      return revokeTokens
        ? 'Claims saved; live tokens were ended, so they apply at once.'
        : 'Claims saved: they reach tokens from the next refresh.';
    });
  };
  const sendReset = () =>
    action.run(async () => {
      await publicApi('POST', '/v1/auth/password/forgot', { email: u.email });
      return `A password-reset mail is on its way to ${u.email}.`;
    });

  return (
    <tr data-user={u.email}>
      <td data-label="Email">
        {u.email}
        <div class="muted mono">{u.id}</div>
      </td>
      <td data-label="Roles">{u.roles.join(', ') || '—'}</td>
      <td data-label="Status">
        {u.disabled ? <span class="tag bad">disabled</span> : <span class="tag ok">active</span>}
      </td>
      <td data-label="Created">
        <When iso={u.created_at} />
      </td>
      <td>
        <details onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
          <summary>Manage {u.email}</summary>
          {action.message ? <Alert kind={action.message.kind}>{action.message.text}</Alert> : null}
          <form class="inline" onSubmit={saveRoles}>
            <label>
              Roles
              <input name="roles" defaultValue={u.roles.join(', ')} autocomplete="off" />
            </label>
            <button type="submit" disabled={action.busy}>
              Save roles
            </button>
          </form>
          <form class="stack" onSubmit={saveClaims}>
            <label>
              Application claims (JSON)
              <textarea name="claims" rows={3} defaultValue={JSON.stringify(u.claims ?? {}, null, 1)} />
            </label>
            <label class="check">
              <input type="checkbox" name="revoke_tokens" /> End the user's live tokens now (else the new
              claims apply from the next refresh)
            </label>
            <div class="actions">
              <button type="submit" disabled={action.busy}>
                Save claims
              </button>
            </div>
          </form>
          <div class="actions spaced">
            <ConfirmButton
              label={u.disabled ? 'Enable' : 'Disable'}
              title={`${u.disabled ? 'Enable' : 'Disable'} ${u.email}?`}
              confirmLabel={u.disabled ? 'Enable' : 'Disable'}
              danger={!u.disabled}
              onConfirm={() =>
                patch(
                  { disabled: !u.disabled },
                  u.disabled ? 'Enabled.' : 'Disabled: every session was signed out.',
                ).then(() => undefined)
              }
            >
              <p>
                {u.disabled
                  ? 'The user can sign in again.'
                  : 'The user is signed out everywhere at once and cannot sign in until enabled.'}
              </p>
            </ConfirmButton>
            <ConfirmButton
              label="Send password reset"
              title={`Send a password-reset mail to ${u.email}?`}
              confirmLabel="Send"
              onConfirm={() => sendReset().then(() => undefined)}
            >
              <p>The mail holds a one-time link to set a new password.</p>
            </ConfirmButton>
          </div>
          {open ? <AdminUserFactors userId={u.id} email={u.email} /> : null}
        </details>
      </td>
    </tr>
  );
}
