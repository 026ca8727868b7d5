// My sessions: every signed-in device (browser and OS, IP, created and last used), this one marked;
// revoke one, or every other one.
import { api, apiAll } from '../session.js';
import { Alert } from '../ui/alert.js';
import { ConfirmButton } from '../ui/confirm.js';
import { deviceName, When } from '../ui/format.js';
import { useAction, useLoad } from '../ui/use-load.js';

interface Session {
  id: string;
  current: boolean;
  device: string;
  ip: string;
  created_at: string;
  last_used_at: string;
}

export function SessionsPage() {
  const { data, error, reload } = useLoad(
    async () => (await apiAll('/v1/sessions', 'sessions')) as Session[],
  );
  const action = useAction();
  const others = data?.filter((s) => !s.current) ?? [];

  const revoke = (s: Session) =>
    action.run(async () => {
      await api('DELETE', `/v1/sessions/${encodeURIComponent(s.id)}`);
      await reload();
      return `Signed out ${deviceName(s.device)}.`;
    });
  const revokeOthers = () =>
    action.run(async () => {
      for (const s of others) await api('DELETE', `/v1/sessions/${encodeURIComponent(s.id)}`);
      await reload();
      return `Signed out ${others.length} other session${others.length === 1 ? '' : 's'}.`;
    });

  return (
    <section>
      <h1>My sessions</h1>
      <p class="lead">Every device signed in to your account. Revoking one signs it out within seconds.</p>
      {error ? <Alert kind="error">{error}</Alert> : null}
      {action.message ? <Alert kind={action.message.kind}>{action.message.text}</Alert> : null}
      {data ? (
        <>
          <table class="data">
            <caption class="sr-only">Your sessions</caption>
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">IP address</th>
                <th scope="col">Signed in</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.map((s) => (
                <tr key={s.id} data-session={s.id}>
                  <td data-label="Device">
                    {deviceName(s.device)} {s.current ? <span class="tag ok">This device</span> : null}
                  </td>
                  <td data-label="IP address" class="mono">
                    {s.ip}
                  </td>
                  <td data-label="Signed in">
                    <When iso={s.created_at} />
                  </td>
                  <td data-label="Last used">
                    <When iso={s.last_used_at} />
                  </td>
                  <td>
                    <ConfirmButton
                      label={s.current ? 'Sign out here' : 'Revoke'}
                      title="Revoke this session?"
                      confirmLabel="Revoke"
                      danger
                      onConfirm={() => revoke(s).then(() => undefined)}
                    >
                      <p>
                        {deviceName(s.device)} ({s.ip}) will be signed out
                        {s.current ? ', and so will this browser' : ''}.
                      </p>
                    </ConfirmButton>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="actions spaced">
            <ConfirmButton
              label="Sign out all other sessions"
              title="Sign out every other session?"
              confirmLabel="Sign them out"
              danger
              disabled={others.length === 0 || action.busy}
              onConfirm={() => revokeOthers().then(() => undefined)}
            >
              <p>
                {others.length} other session{others.length === 1 ? '' : 's'} will be signed out. This one
                stays.
              </p>
            </ConfirmButton>
          </div>
        </>
      ) : null}
    </section>
  );
}
