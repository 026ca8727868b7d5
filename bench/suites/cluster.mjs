// Suite `cluster`: Tessera on PostgreSQL as 1 and 3 real `tessera serve` processes on this
// machine. Measures refresh rotations/s and p99 at 200 concurrent clients (each client its own
// session, every request a real rotation), revocation propagation between instances with Redis
// pub/sub and with PostgreSQL LISTEN/NOTIFY, and an instance's memory with 100k live sessions
// (and 100k live revocations) in the database. Needs PostgreSQL and Redis: it uses
// TESSERA_TEST_POSTGRES_URL / TESSERA_TEST_REDIS_URL or starts them with scripts/services/*.sh.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { writeResults } from '../lib/results.mjs';
import { round } from '../lib/stats.mjs';
import { formatTable, formatTargets, target } from '../lib/table.mjs';

export const description =
  'scale-out on PostgreSQL: refresh/s and p99 with 1 vs 3 instances, revocation propagation (Redis, NOTIFY), memory at 100k sessions';

const ROOT = new URL('../../', import.meta.url);
// The cluster harness of the server's tests (compiled by `npm run build`): real processes.
const harness = await import(new URL('packages/server/dist/test/support/cluster-harness.js', ROOT).href);
const client = await import(new URL('packages/server/dist/test/support/cluster-client.js', ROOT).href);

function service(variable, script) {
  const value = process.env[variable]?.trim();
  if (value) return value;
  return execFileSync('bash', [fileURLToPath(new URL(`scripts/services/${script}`, ROOT))], {
    encoding: 'utf8',
  }).trim();
}

const ENV = { TESSERA_LOGIN_LIMIT_IP: '1000000/15m', TESSERA_REFRESH_LIMIT_IP: '100000000/15m' };

/** `n` sessions of one user, logged in over the instances 10 at a time: refresh tokens. */
async function sessions(instances, n) {
  const email = await client.register(instances[0].url, 'bench');
  const tokens = [];
  for (let i = 0; i < n; i += 10) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, n - i) }, (_, j) =>
        client.login(instances[(i + j) % instances.length].url, email),
      ),
    );
    tokens.push(...batch.map((t) => t.refreshToken));
  }
  return tokens;
}

/** Closed-loop refresh load: each autocannon connection owns a session and follows its rotation. */
async function refreshLoad(instances, tokens, { connections, duration }) {
  const per = Math.floor(connections / instances.length);
  let next = 0;
  const runs = await Promise.all(
    instances.map((instance) =>
      autocannon({
        url: instance.url,
        connections: per,
        duration,
        requests: [
          {
            method: 'POST',
            path: '/v1/auth/refresh',
            headers: { 'content-type': 'application/json' },
            setupRequest(req, context) {
              context.rt ??= tokens[next++ % tokens.length];
              return { ...req, body: JSON.stringify({ refresh_token: context.rt }) };
            },
            onResponse(status, body, context) {
              if (status === 200) context.rt = JSON.parse(body).refresh_token;
            },
          },
        ],
      }),
    ),
  );
  const statusCodes = {};
  for (const r of runs) {
    for (const [k, v] of Object.entries(r.statusCodeStats)) statusCodes[k] = (statusCodes[k] ?? 0) + v.count;
  }
  return {
    instances: instances.length,
    connections: per * instances.length,
    reqPerSec: round(
      runs.reduce((s, r) => s + r.requests.average, 0),
      0,
    ),
    // Per-instance p50/p99 from autocannon; the cluster's p99 is reported as the worst of them.
    p50Ms: Math.max(...runs.map((r) => r.latency.p50)),
    p99Ms: Math.max(...runs.map((r) => r.latency.p99)),
    errors: runs.reduce((s, r) => s + r.errors + r.timeouts, 0),
    statusCodes,
  };
}

/** Logout on A, then poll B (every 2 ms) until it refuses the token: `n` samples, ms. */
async function propagation(instances, n) {
  const [a, b] = instances;
  const email = await client.register(a.url, 'prop');
  const samples = [];
  for (let i = 0; i < n; i++) {
    const { accessToken } = await client.login(a.url, email);
    const out = await fetch(`${a.url}/v1/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}` },
    });
    if (out.status !== 204) throw new Error(`logout: ${out.status}`);
    const t0 = performance.now();
    for (;;) {
      const res = await fetch(`${b.url}/v1/me`, { headers: { authorization: `Bearer ${accessToken}` } });
      await res.arrayBuffer();
      if (res.status === 401) break;
      if (performance.now() - t0 > 5_000) throw new Error('not propagated in 5 s');
      await new Promise((r) => setTimeout(r, 2));
    }
    samples.push(performance.now() - t0);
  }
  samples.sort((x, y) => x - y);
  const q = (p) => round(samples[Math.min(samples.length - 1, Math.floor(p * samples.length))], 1);
  return { samples: n, p50Ms: q(0.5), p99Ms: q(0.99), maxMs: round(samples.at(-1), 1) };
}

function rssMb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? round(Number(m[1]) / 1024, 1) : null;
}

/** RSS of a fresh instance on an empty database, then with 100k live sessions and 100k live revocations. */
async function memory(postgresUrl, redisUrl) {
  const cluster = await harness.startCluster({ postgresUrl, redisUrl, env: ENV, size: 1 });
  try {
    const [a] = cluster.instances;
    const empty = rssMb(a.pid);
    const now = Date.now();
    const db = new pg.Client({ connectionString: cluster.databaseUrl });
    await db.connect();
    const user = (await db.query('select id from users limit 1')).rows[0].id;
    await db.query(
      `insert into sessions (id, user_id, device, user_agent, ip, created_at, last_used_at, expires_at)
       select 's_bench_' || g, $1, 'bench', 'bench', '127.0.0.1', $2, $2, $3 from generate_series(1, 100000) g`,
      [user, now, now + 86_400_000],
    );
    await db.query(
      `insert into refresh_tokens (hash, session_id, user_id, created_at, expires_at)
       select 'h_bench_' || g, 's_bench_' || g, $1, $2, $3 from generate_series(1, 100000) g`,
      [user, now, now + 86_400_000],
    );
    // The sessions live in PostgreSQL; what grows in an instance is its deny-list. Add 100k live
    // revocations too (as if every one of those sessions had been logged out) and let it load them.
    await db.query(
      `insert into revocations (type, value, iat_before, exp, created_at)
       select 'sid', 's_bench_' || g, null, $1, $2 from generate_series(1, 100000) g`,
      [Math.floor(now / 1000) + 900, now],
    );
    await db.end();
    const withSessions = await harness.startInstance('M', cluster.env, cluster.dir);
    cluster.instances.push(withSessions);
    // Exercise it a little so lazy structures exist, then let the poll catch up.
    const tokens = await sessions([withSessions], 5);
    for (const t of tokens) await client.refresh(withSessions.url, t);
    await new Promise((r) => setTimeout(r, 1_500));
    return { emptyRssMb: empty, rssMbWith100kSessionsAnd100kRevocations: rssMb(withSessions.pid) };
  } finally {
    await cluster.close();
  }
}

export async function run({ quick, args }) {
  const postgresUrl = service('TESSERA_TEST_POSTGRES_URL', 'postgres.sh');
  const redisUrl = service('TESSERA_TEST_REDIS_URL', 'redis.sh');
  const duration = quick ? 3 : 10;
  const connections = 200;
  const throughput = [];
  let redisProp;
  let notifyProp;

  for (const size of [1, 3]) {
    const cluster = await harness.startCluster({ postgresUrl, redisUrl, env: ENV, size });
    try {
      const tokens = await sessions(cluster.instances, connections);
      await refreshLoad(cluster.instances, tokens, { connections, duration: 1 }); // warm-up
      const r = await refreshLoad(cluster.instances, await sessions(cluster.instances, connections), {
        connections,
        duration,
      });
      throughput.push(r);
      if (size === 3) redisProp = await propagation(cluster.instances, quick ? 10 : 50);
    } finally {
      await cluster.close();
    }
  }
  {
    const cluster = await harness.startCluster({ postgresUrl, env: ENV, size: 3 });
    try {
      notifyProp = await propagation(cluster.instances, quick ? 10 : 50);
    } finally {
      await cluster.close();
    }
  }
  const mem = await memory(postgresUrl, redisUrl);

  console.log(
    formatTable(
      ['instances', 'clients', 'refresh/s', 'p50 ms', 'p99 ms', 'errors', 'status codes'],
      throughput.map((t) => [
        t.instances,
        t.connections,
        t.reqPerSec,
        t.p50Ms,
        t.p99Ms,
        t.errors,
        JSON.stringify(t.statusCodes),
      ]),
    ),
  );
  const [one, three] = throughput;
  const ratio = round(three.reqPerSec / one.reqPerSec, 2);
  const cores = (await import('node:os')).availableParallelism();
  const bound =
    `${cores} CPU cores shared by the instances, PostgreSQL and the load generator: 3 instances on one machine ` +
    'add processes, not cores; each rotation is one PostgreSQL transaction (lock, insert, update) plus an ES256 signature';
  console.log(`3 vs 1 instance: ${ratio}x (${bound})`);
  console.log(
    formatTable(
      ['propagation', 'samples', 'p50 ms', 'p99 ms', 'max ms'],
      [
        ['Redis pub/sub', redisProp.samples, redisProp.p50Ms, redisProp.p99Ms, redisProp.maxMs],
        ['PostgreSQL NOTIFY', notifyProp.samples, notifyProp.p50Ms, notifyProp.p99Ms, notifyProp.maxMs],
      ],
    ),
  );
  console.log(
    `memory: empty ${mem.emptyRssMb} MB RSS; with 100k sessions + 100k revocations ${mem.rssMbWith100kSessionsAnd100kRevocations} MB`,
  );
  const targets = [
    target(
      'refresh p99 < 10 ms on PostgreSQL at 200 clients (1 instance)',
      one.p99Ms < 10,
      `${one.p99Ms} ms`,
    ),
    target(
      'refresh p99 < 10 ms on PostgreSQL at 200 clients (3 instances)',
      three.p99Ms < 10,
      `${three.p99Ms} ms`,
    ),
    target('propagation p99 < 250 ms with Redis', redisProp.p99Ms < 250, `${redisProp.p99Ms} ms`),
    target('propagation p99 < 1 s without Redis', notifyProp.p99Ms < 1000, `${notifyProp.p99Ms} ms`),
    target(
      'no errors under load',
      throughput.every((t) => t.errors === 0 && Object.keys(t.statusCodes).join() === '200'),
      JSON.stringify(throughput.map((t) => t.statusCodes)),
    ),
  ];
  console.log(formatTargets(targets));
  if (!quick || args.includes('--write')) {
    console.log(
      `wrote ${writeResults('cluster', {
        throughput,
        ratio3vs1: ratio,
        ratioBound: bound,
        propagation: { redis: redisProp, postgresNotify: notifyProp },
        memory: mem,
        targets,
      })}`,
    );
  }
}
