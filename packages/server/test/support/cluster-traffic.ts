// Steady traffic for the fault and load tests: virtual users who log in once, then refresh their
// session and call /v1/me in turn, each request on the next instance. A client keeps its old
// refresh token when a refresh fails with 503 and retries it (as @tessera/client does), which is
// exactly the case the reuse interval exists for.
import { login, me, refresh, type Tokens } from './cluster-client.js';
import type { Instance } from './cluster-harness.js';
import { GOOD_PASSWORD, request, uniqueEmail } from './server-harness.js';

export interface TrafficStats {
  /** "route status" → count, e.g. "refresh 200". */
  counts: Map<string, number>;
  /** Answers that are wrong whatever the fault: 5xx other than 503, 503 without Retry-After, 401 on a live session. */
  wrong: string[];
  /** Final tokens per user (their sessions must all be live afterwards). */
  users: Array<{ email: string; tokens: Tokens }>;
  requests: number;
}

export interface TrafficOptions {
  users: number;
  /** Stop when this returns true (checked between requests). */
  done: () => boolean;
  /** At most this many requests in all (bounded load). */
  maxRequests?: number;
  /** Instances to spread over; read at each request, so the caller may change the list. */
  instances: () => Instance[];
  /** Pause between a user's requests, ms (default 0). */
  pauseMs?: number;
}

function count(stats: TrafficStats, key: string): void {
  stats.counts.set(key, (stats.counts.get(key) ?? 0) + 1);
}

/** Registers `n` users (retrying 503s) on the first instance. */
export async function prepareUsers(
  base: string,
  n: number,
): Promise<Array<{ email: string; tokens: Tokens }>> {
  const users = [];
  for (let i = 0; i < n; i++) {
    const email = uniqueEmail('load');
    const res = await request(base, 'POST', '/v1/auth/register', {
      body: { email, password: GOOD_PASSWORD },
    });
    if (res.status !== 201) throw new Error(`register: ${res.status} ${res.text}`);
    users.push({ email, tokens: await login(base, email) });
  }
  return users;
}

export async function runTraffic(
  users: Array<{ email: string; tokens: Tokens }>,
  opts: TrafficOptions,
): Promise<TrafficStats> {
  const stats: TrafficStats = { counts: new Map(), wrong: [], users, requests: 0 };
  let turn = 0;
  const next = () => {
    const list = opts.instances();
    turn += 1;
    return list[turn % list.length] as Instance;
  };
  const budget = () => !opts.done() && (opts.maxRequests === undefined || stats.requests < opts.maxRequests);

  async function one(user: { email: string; tokens: Tokens }): Promise<void> {
    while (budget()) {
      const target = next();
      stats.requests += 1;
      const r = await refresh(target.url, user.tokens.refreshToken).catch(() => undefined);
      if (!r) {
        count(stats, 'refresh network-error');
        stats.wrong.push(`refresh: no answer from ${target.name}`);
        continue;
      }
      count(stats, `refresh ${r.status}`);
      if (r.status === 200)
        user.tokens = { accessToken: r.body.access_token, refreshToken: r.body.refresh_token };
      else if (r.status === 503 && !r.headers.get('retry-after'))
        stats.wrong.push(`503 without Retry-After on ${target.name}`);
      else if (r.status !== 503)
        stats.wrong.push(`refresh ${r.status} on ${target.name}: ${r.text.slice(0, 200)}`);

      if (!budget()) break;
      const other = next();
      stats.requests += 1;
      const m = await me(other.url, user.tokens.accessToken).catch(() => undefined);
      count(stats, `me ${m?.status ?? 'network-error'}`);
      if (!m) stats.wrong.push(`me: no answer from ${other.name}`);
      else if (m.status !== 200) stats.wrong.push(`me ${m.status} on ${other.name}: ${m.text.slice(0, 200)}`);
      if (opts.pauseMs) await new Promise((r) => setTimeout(r, opts.pauseMs));
    }
  }

  await Promise.all(users.map(one));
  return stats;
}

export function summary(stats: TrafficStats): string {
  return [...stats.counts.entries()]
    .sort()
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
}
