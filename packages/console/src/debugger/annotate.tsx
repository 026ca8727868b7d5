// Claims and header members in words: times as dates and "expires in 4 min", audiences as a list,
// act chains (token exchange) as who acts for whom, roles and scopes split.
import type { JSX } from 'preact';
import { dateTime, relativeTime } from '../ui/format.js';

const TIME_CLAIMS = new Set(['exp', 'iat', 'nbf', 'auth_time']);
const NAMES: Record<string, string> = {
  iss: 'issuer',
  sub: 'subject (user id)',
  aud: 'audience',
  exp: 'expires',
  iat: 'issued at',
  nbf: 'not before',
  jti: 'token id',
  sid: 'session id',
  act: 'actor (token exchange)',
  scope: 'scopes',
  roles: 'roles',
  amr: 'authentication methods',
  auth_time: 'signed in at',
  client_id: 'client',
  alg: 'algorithm',
  typ: 'type',
  kid: 'key id',
};

function actChain(act: unknown): string[] {
  const chain: string[] = [];
  let cur = act as { sub?: unknown; act?: unknown } | undefined;
  while (cur && typeof cur === 'object' && chain.length < 16) {
    chain.push(String(cur.sub));
    cur = cur.act as typeof cur;
  }
  return chain;
}

function note(name: string, value: unknown, nowMs: number): string | undefined {
  if (TIME_CLAIMS.has(name) && typeof value === 'number') {
    const ms = value * 1000;
    const rel = relativeTime(ms, nowMs);
    if (name === 'exp') return `${dateTime(ms)} — ${ms > nowMs ? `expires ${rel}` : `expired ${rel}`}`;
    return `${dateTime(ms)} (${rel})`;
  }
  if (name === 'aud')
    return Array.isArray(value)
      ? `valid at ${value.length} audiences: ${value.join(', ')}`
      : `valid at ${String(value)}`;
  if (name === 'act') {
    const chain = actChain(value);
    return `acting for the subject: ${chain.join(' ← on behalf of ')}${chain.length > 1 ? ' (nested exchange)' : ''}`;
  }
  if (name === 'scope' && typeof value === 'string') return value.split(' ').filter(Boolean).join(', ');
  if (name === 'typ' && value === 'at+jwt') return 'an OAuth access token (RFC 9068)';
  return undefined;
}

export function Annotated(props: {
  title: string;
  data: Record<string, unknown>;
  nowMs: number;
}): JSX.Element {
  return (
    <section aria-label={props.title}>
      <h2>{props.title}</h2>
      <dl class="claims">
        {Object.entries(props.data).map(([name, value]) => {
          const n = note(name, value, props.nowMs);
          return (
            <div key={name}>
              <dt>
                {name} {NAMES[name] ? <span class="muted">({NAMES[name]})</span> : null}
              </dt>
              <dd>
                <code>{JSON.stringify(value)}</code>
                {n ? <div class="note">{n}</div> : null}
              </dd>
            </div>
          );
        })}
      </dl>
    </section>
  );
}
