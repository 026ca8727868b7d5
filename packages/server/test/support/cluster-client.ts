// HTTP and database helpers for the cluster tests: users, logins, refreshes spread over
// instances, and read-only consistency queries straight on the shared PostgreSQL database.
import pg from 'pg';
import { CLUSTER_ADMIN_EMAIL, type Instance } from './cluster-harness.js';
import { GOOD_PASSWORD, request, uniqueEmail } from './server-harness.js';

export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

export async function login(base: string, email: string, password = GOOD_PASSWORD): Promise<Tokens> {
  const res = await request(base, 'POST', '/v1/auth/login', {
    body: { email, password, refresh_token_in_body: true },
  });
  if (res.status !== 200) throw new Error(`login on ${base} failed: ${res.status} ${res.text}`);
  return { accessToken: res.body.access_token, refreshToken: res.body.refresh_token };
}

export async function adminToken(base: string): Promise<string> {
  return (await login(base, CLUSTER_ADMIN_EMAIL)).accessToken;
}

/** Registers a user on `base`; returns the email. */
export async function register(base: string, prefix = 'cluster'): Promise<string> {
  const email = uniqueEmail(prefix);
  const res = await request(base, 'POST', '/v1/auth/register', { body: { email, password: GOOD_PASSWORD } });
  if (res.status !== 201) throw new Error(`register on ${base} failed: ${res.status} ${res.text}`);
  return email;
}

export function refresh(base: string, refreshToken: string) {
  return request(base, 'POST', '/v1/auth/refresh', { body: { refresh_token: refreshToken } });
}

export function me(base: string, token: string) {
  return request(base, 'GET', '/v1/me', { token });
}

/** Round-robin over the instances. */
export function spread(instances: Instance[], i: number): Instance {
  return instances[i % instances.length] as Instance;
}

/** Runs `fn` with a short-lived client on the database (for consistency checks). */
export async function withDb<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface Consistency {
  sessions: number;
  liveSessions: number;
  revokedSessions: number;
  /** Refresh rows whose session does not exist. */
  orphanTokens: number;
  /** Tokens spent with a successor that has no row. */
  missingSuccessors: number;
  /** Live sessions with other than exactly one unspent token (a fork or a dead end). */
  forkedFamilies: number;
  /** Successor hashes named by two different spent tokens (re-issued twice). */
  doubleIssued: number;
  activeKeys: number;
}

export async function checkConsistency(url: string): Promise<Consistency> {
  return withDb(url, async (c) => {
    const one = async (text: string) => Number((await c.query(text)).rows[0]?.n ?? 0);
    return {
      sessions: await one('select count(*) as n from sessions'),
      liveSessions: await one('select count(*) as n from sessions where revoked_at is null'),
      revokedSessions: await one('select count(*) as n from sessions where revoked_at is not null'),
      orphanTokens: await one(
        'select count(*) as n from refresh_tokens t where not exists (select 1 from sessions s where s.id = t.session_id)',
      ),
      missingSuccessors: await one(
        `select count(*) as n from refresh_tokens t where t.successor_hash is not null
           and not exists (select 1 from refresh_tokens u where u.hash = t.successor_hash)`,
      ),
      forkedFamilies: await one(
        `select count(*) as n from sessions s where s.revoked_at is null and s.expires_at > ${Date.now()}
           and (select count(*) from refresh_tokens t where t.session_id = s.id and t.spent_at is null) <> 1`,
      ),
      doubleIssued: await one(
        `select count(*) as n from (select successor_hash from refresh_tokens where successor_hash is not null
           group by successor_hash having count(*) > 1) d`,
      ),
      activeKeys: await one(`select count(*) as n from signing_keys where state = 'active'`),
    };
  });
}
