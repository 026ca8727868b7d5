// Admin · audit log: filter by user, event and time, newest first, page by page; a row expands to
// its details.
import { useState } from 'preact/hooks';
import { api } from '../session.js';
import { Alert } from '../ui/alert.js';
import { When } from '../ui/format.js';
import { useLoad } from '../ui/use-load.js';

// Every event the server records (the browser test compares this list with the server's).
const EVENTS = [
  'user_registered',
  'login_succeeded',
  'login_failed',
  'refresh_succeeded',
  'refresh_reuse_detected',
  'refresh_grace_used',
  'logout',
  'logout_all',
  'session_revoked',
  'token_revoked',
  'key_created',
  'key_rotated',
  'key_revoked',
  'user_created',
  'user_changed',
  'password_changed',
  'rate_limited',
  'client_token_issued',
  'mfa_factor_added',
  'mfa_factor_removed',
  'mfa_failed',
  'mfa_factors_reset',
  'recovery_codes_generated',
  'recovery_code_used',
  'step_up',
  'client_created',
  'client_changed',
  'client_deleted',
  'token_exchanged',
  'email_verified',
  'password_reset_requested',
  'password_reset',
  'email_change_requested',
  'email_changed',
  'user_erased',
  'users_imported',
];

interface AuditEvent {
  id: number;
  at: string;
  event: string;
  sub: string | null;
  actor: string | null;
  ip: string | null;
  session_id: string | null;
  details: Record<string, unknown> | null;
}

interface Filter {
  event: string;
  sub: string;
  since: string;
}

export function AuditPage() {
  const [filter, setFilter] = useState<Filter>({ event: '', sub: '', since: '' });
  // The cursor of each page shown so far; the last one is the current page.
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const { data, error } = useLoad(async () => {
    const q = new URLSearchParams({ limit: '25' });
    if (filter.event) q.set('event', filter.event);
    if (filter.sub) q.set('sub', filter.sub);
    if (filter.since) q.set('since', new Date(filter.since).toISOString());
    if (cursor !== undefined) q.set('cursor', cursor);
    return (await api('GET', `/v1/admin/audit?${q}`)) as { events: AuditEvent[]; next_cursor: string | null };
  }, [filter, cursor]);

  const apply = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setFilter({
      event: String(form.get('event') ?? ''),
      sub: String(form.get('sub') ?? '').trim(),
      since: String(form.get('since') ?? ''),
    });
    setCursors([undefined]);
  };

  return (
    <section>
      <h1>Audit log</h1>
      <form class="inline panel" onSubmit={apply} aria-label="Filter the audit log">
        <label>
          Event
          <select name="event" defaultValue={filter.event}>
            <option value="">Any event</option>
            {EVENTS.map((e) => (
              <option key={e} value={e}>
                {e}
              </option>
            ))}
          </select>
        </label>
        <label>
          User id
          <input name="sub" defaultValue={filter.sub} autocomplete="off" />
        </label>
        <label>
          Since
          <input name="since" type="datetime-local" defaultValue={filter.since} />
        </label>
        <button type="submit">Filter</button>
      </form>
      {error ? <Alert kind="error">{error}</Alert> : null}
      <table class="data">
        <caption class="sr-only">Audit events, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Event</th>
            <th scope="col">User</th>
            <th scope="col">IP</th>
          </tr>
        </thead>
        <tbody>
          {data?.events.map((e) => (
            <tr key={e.id}>
              <td data-label="Time">
                <When iso={e.at} />
              </td>
              <td data-label="Event">
                <details>
                  <summary>{e.event}</summary>
                  <pre>
                    {JSON.stringify(
                      { actor: e.actor, session_id: e.session_id, details: e.details, id: e.id },
                      null,
                      2,
                    )}
                  </pre>
                </details>
              </td>
              <td data-label="User" class="mono">
                {e.sub ?? '—'}
              </td>
              <td data-label="IP" class="mono">
                {e.ip ?? '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {data?.events.length === 0 ? <p class="muted">No events match.</p> : null}
      <div class="actions spaced">
        <button
          type="button"
          class="secondary"
          disabled={cursors.length <= 1}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          Newer
        </button>
        <button
          type="button"
          class="secondary"
          disabled={!data?.next_cursor}
          onClick={() => data?.next_cursor && setCursors([...cursors, data.next_cursor])}
        >
          Older
        </button>
        <span class="muted">Page {cursors.length}</span>
      </div>
    </section>
  );
}
