// Admin · signing keys: the rotation timeline (next → active → retiring → retired), when the next
// scheduled rotation happens, rotate now, and revoke a leaked key, each behind a confirmation.
import { api } from '../session.js';
import { Alert } from '../ui/alert.js';
import { ConfirmButton } from '../ui/confirm.js';
import { dateTime, relativeTime, When } from '../ui/format.js';
import { useAction, useLoad } from '../ui/use-load.js';

interface Key {
  kid: string;
  alg: string;
  state: string;
  created_at: string | null;
  activated_at: string | null;
  retiring_at: string | null;
  retired_at: string | null;
}
interface KeysResponse {
  algorithm: string;
  active_kid: string | null;
  keys: Key[];
  rotation: {
    rotate_every: number;
    publish_ahead: number;
    retiring_for: number;
    jwks_max_age: number;
  } | null;
}

const ORDER = ['next', 'active', 'retiring', 'retired', 'revoked'];
const STATE_TEXT: Record<string, string> = {
  next: 'published, signs next',
  active: 'signs new tokens',
  retiring: 'published until its tokens expire',
  retired: 'no longer published',
  revoked: 'revoked: its tokens are refused everywhere',
};

function duration(seconds: number): string {
  const units: Array<[number, string]> = [
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
    [1, 'second'],
  ];
  const parts: string[] = [];
  let rest = Math.round(seconds);
  for (const [size, name] of units) {
    const n = Math.floor(rest / size);
    if (n > 0 && parts.length < 2) parts.push(`${n} ${name}${n === 1 ? '' : 's'}`);
    rest -= n * size;
  }
  return parts.join(' ') || '0 seconds';
}

export function KeysPage() {
  const { data, error, reload } = useLoad(async () => (await api('GET', '/v1/admin/keys')) as KeysResponse);
  const action = useAction();
  const keys = [...(data?.keys ?? [])].sort(
    (a, b) =>
      ORDER.indexOf(a.state) - ORDER.indexOf(b.state) ||
      Date.parse(b.created_at ?? '0') - Date.parse(a.created_at ?? '0'),
  );
  const active = keys.find((k) => k.state === 'active');
  const nextRotation =
    data?.rotation && active?.activated_at
      ? Date.parse(active.activated_at) + data.rotation.rotate_every * 1000
      : undefined;

  const rotate = () =>
    action.run(async () => {
      const res = await api(
        'POST',
        '/v1/admin/keys/rotate',
        data?.active_kid ? { replace: data.active_kid } : {},
      );
      await reload();
      return `Key ${res.kid} signs from now on${res.previous ? `; ${res.previous} is retiring` : ''}.`;
    });
  const revoke = (k: Key) =>
    action.run(async () => {
      await api('POST', `/v1/admin/keys/${encodeURIComponent(k.kid)}/revoke`);
      await reload();
      return `Key ${k.kid} is revoked: it left the JWKS and verifiers drop it.`;
    });

  return (
    <section>
      <h1>Signing keys</h1>
      {error ? <Alert kind="error">{error}</Alert> : null}
      {action.message ? <Alert kind={action.message.kind}>{action.message.text}</Alert> : null}
      {data ? (
        <div class="panel">
          <p>
            Algorithm <strong>{data.algorithm}</strong>; active key{' '}
            <strong class="mono" data-testid="active-kid">
              {data.active_kid ?? 'none'}
            </strong>
            .
          </p>
          {data.rotation ? (
            <p>
              Keys rotate every {duration(data.rotation.rotate_every)}; a new key is published{' '}
              {duration(data.rotation.publish_ahead)} before it signs and kept{' '}
              {duration(data.rotation.retiring_for)} after.{' '}
              {nextRotation ? (
                <>
                  Next scheduled rotation: <strong>{dateTime(nextRotation)}</strong> (
                  {relativeTime(nextRotation)}).
                </>
              ) : null}
            </p>
          ) : (
            <p>
              No automatic rotation on this server: it signs with a key file or an HMAC secret, which the
              operator rotates.
            </p>
          )}
          <ConfirmButton
            label="Rotate now"
            title="Rotate the signing key now?"
            confirmLabel="Rotate now"
            onConfirm={() => rotate().then(() => undefined)}
          >
            <p>
              A new key signs from now on, on every instance within seconds. The current key stays published
              as retiring until the tokens it signed have expired, so nobody is signed out.
            </p>
          </ConfirmButton>
        </div>
      ) : null}
      <h2>Timeline</h2>
      <ol class="timeline" aria-label="Keys, newest state first">
        {keys.map((k) => (
          <li key={k.kid} class={`state-${k.state}`} data-kid={k.kid} data-state={k.state}>
            <div>
              <span class="mono">{k.kid}</span> <span class="tag muted">{k.alg}</span>{' '}
              <strong>{k.state}</strong> <span class="muted">— {STATE_TEXT[k.state] ?? ''}</span>
            </div>
            <div class="muted">
              created <When iso={k.created_at} />
              {k.activated_at ? (
                <>
                  {' · '}active from <When iso={k.activated_at} />
                </>
              ) : null}
              {k.retiring_at ? (
                <>
                  {' · '}retiring from <When iso={k.retiring_at} />
                </>
              ) : null}
              {k.retired_at ? (
                <>
                  {' · '}retired <When iso={k.retired_at} />
                </>
              ) : null}
            </div>
            {k.state !== 'retired' && k.state !== 'revoked' ? (
              <div class="actions spaced">
                <ConfirmButton
                  label={`Revoke ${k.kid}`}
                  title={`Revoke key ${k.kid}?`}
                  confirmLabel="Revoke the key"
                  danger
                  onConfirm={() => revoke(k).then(() => undefined)}
                >
                  <p>
                    For a leaked key. It leaves the JWKS at once and every token it signed stops verifying:
                    users signed in with such tokens must refresh.{' '}
                    {k.state === 'active' ? 'A new key will sign.' : ''}
                  </p>
                </ConfirmButton>
              </div>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
