// Suite `server`: the auth server (@tessera/server) as a real process on 127.0.0.1, on a fresh
// SQLite file, loaded from other processes, with its default settings (log level included) except
// the database path, a master key and rate limits raised so the load is not refused. Measures
// logins/s (bounded by argon2id, whose cost is also timed alone); GET /v1/me (ES256, verified-token
// cache, deny-list) against a bare Fastify app answering the same JSON without authentication and
// without a logger, interleaved, 10 connections; refreshes with 20 clients each rotating its own
// refresh token: capacity back to back, then paced open-loop at half of it (latency from each
// request's scheduled send time); the same on PostgreSQL when TESSERA_BENCH_POSTGRES_URL (or
// TESSERA_TEST_POSTGRES_URL) names a server (a fresh database is created and dropped); and the
// capacity per vCPU next to Keycloak's published sizing. Options: --quick, --write, --profile=DIR
// (the auth server runs with --cpu-prof and leaves its .cpuprofile in DIR).

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { assertClean, httpLoad, spawnServer } from '../lib/http-load.mjs';
import { runIsolated } from '../lib/isolate.mjs';
import { writeResults } from '../lib/results.mjs';
import { median, round } from '../lib/stats.mjs';
import { formatTable, formatTargets, target } from '../lib/table.mjs';
import { compareWithCpu, loadWithCpu, pick, roundAll } from '../servers/server-cpu.mjs';

export const description =
  'auth server on SQLite: logins/s, refreshes/s (200 clients), GET /v1/me vs bare Fastify';

const script = (name) => fileURLToPath(new URL(`../servers/${name}`, import.meta.url));
const PASSWORDS = new URL('../../packages/server/dist/src/accounts/passwords.js', import.meta.url);
const EMAIL = 'bench@example.com';
const PASSWORD = `bench-${randomBytes(12).toString('base64url')}`;

/** The server's own argon2id parameters and the cost of one hash and one verify, timed alone. */
async function measureArgon2(n) {
  const { ARGON2_PARAMS, hashPassword, verifyPassword } = await import(PASSWORDS.href);
  const stored = await hashPassword(PASSWORD);
  const time = async (fn) => {
    const wall = [];
    const cpu = [];
    for (let i = 0; i < n; i++) {
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      await fn();
      wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
    }
    return { wallMs: round(median(wall)), cpuMs: round(median(cpu)) };
  };
  return {
    params: { ...ARGON2_PARAMS, algorithm: 'argon2id' },
    hash: await time(() => hashPassword(PASSWORD)),
    verify: await time(async () => {
      if (!(await verifyPassword(stored, PASSWORD))) throw new Error('argon2: verify failed');
    }),
  };
}

async function postJson(base, path, body, headers = {}) {
  const res = await fetch(new URL(path, base), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json().catch(() => null) };
}

/** Logs in `n` sessions (refresh token in the body), `concurrency` at a time. */
async function loginSessions(base, n, concurrency) {
  const sessions = [];
  const worker = async () => {
    while (sessions.length < n) {
      const slot = sessions.push(null) - 1;
      const r = await postJson(base, '/v1/auth/login', {
        email: EMAIL,
        password: PASSWORD,
        refresh_token_in_body: true,
      });
      if (r.status !== 200 || !r.json?.refresh_token) throw new Error(`login: status ${r.status}`);
      sessions[slot] = { accessToken: r.json.access_token, refreshToken: r.json.refresh_token };
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return sessions;
}

function serverEnv(databaseUrl) {
  const limit = '999999999/1s'; // the bench measures the work, not the rate limiter's refusals
  // Everything else is the default (log level `info`, ES256, audience `tessera`, ...).
  return {
    TESSERA_DATABASE_URL: databaseUrl,
    TESSERA_MASTER_KEY: randomBytes(32).toString('base64'),
    TESSERA_LOGIN_LIMIT_IP: limit,
    TESSERA_LOGIN_LIMIT_ACCOUNT: limit,
    TESSERA_REFRESH_LIMIT_IP: limit,
    NODE_ENV: 'development',
  };
}

/** Published sizing of Keycloak (keycloak.org "Concepts for sizing CPU and memory resources"). */
const KEYCLOAK_PER_VCPU = { refreshesPerSec: 120, passwordLoginsPerSec: 15 };

const postgresUrl = () =>
  (process.env.TESSERA_BENCH_POSTGRES_URL ?? process.env.TESSERA_TEST_POSTGRES_URL)?.trim() || undefined;

/** A fresh PostgreSQL database for one run; `drop()` removes it. */
async function freshPostgres(url) {
  const name = `tessera_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** Refresh phases with `clients` clients: warm-up, capacity back to back, paced at half of it. */
function refreshPhases(clients, [warm, dur, paced]) {
  return [
    { name: 'warm-up', mode: 'saturate', duration: warm, clients },
    { name: `${clients} clients, back to back (capacity)`, mode: 'saturate', duration: dur, clients },
    {
      name: `${clients} clients, paced at 50% of capacity`,
      mode: 'paced',
      duration: paced,
      rateOf: 0.5,
      clients,
    },
  ];
}

/**
 * The machine's floor for the paced row: bare Fastify burning the auth server's CPU per refresh,
 * paced at the same rate by the same driver. The spin is calibrated in short runs until the bare
 * server's measured CPU per request is within 5% of the auth server's, then measured like it.
 */
async function machineFloor(paced, dir, seconds) {
  // The spin server echoes whatever token it gets.
  const sessions = Array.from({ length: paced.clients }, () => ({ refreshToken: 'x'.repeat(43) }));
  const target = paced.serverCpuUsPerReq;
  const run = async (spinUs, duration) => {
    const server = await spawnServer(script('server-fastify-spin.mjs'), { env: { SPIN_US: String(spinUs) } });
    try {
      const [measured] = await refreshRun(server.url, server.pid, dir, sessions, [
        { name: 'warm-up', mode: 'saturate', duration: 1, clients: paced.clients },
        { name: 'paced', mode: 'paced', duration, rate: paced.reqPerSec, clients: paced.clients },
      ]);
      return measured;
    } finally {
      await server.close();
    }
  };
  let spinUs = Math.max(0, target - 60);
  for (let attempt = 0; attempt < 3; attempt++) {
    const probe = await run(spinUs, 3);
    if (Math.abs(probe.serverCpuUsPerReq - target) <= target * 0.05) break;
    spinUs = Math.max(0, spinUs + target - probe.serverCpuUsPerReq);
  }
  return { ...(await run(spinUs, seconds)), spinUs: round(spinUs) };
}

/** Registers the bench user and logs in `n` sessions on a running server; returns the sessions. */
async function prepareSessions(base, n) {
  const reg = await postJson(base, '/v1/auth/register', { email: EMAIL, password: PASSWORD });
  if (reg.status !== 201) throw new Error(`register: status ${reg.status} ${JSON.stringify(reg.json)}`);
  return loginSessions(base, n, 4);
}

/** `addresses`: 'one' (every refresh from one client address) or 'distinct' (each its own). */
async function refreshRun(url, pid, dir, sessions, phases, addresses = 'one') {
  const tokensFile = join(dir, `refresh-tokens-${pid}.json`);
  writeFileSync(tokensFile, JSON.stringify(sessions.map((s) => s.refreshToken)));
  const refresh = await runIsolated(script('server-refresh-driver.mjs'), [
    JSON.stringify({ url, tokensFile, serverPid: pid, phases, addresses }),
  ]);
  const bad = Object.keys(refresh.statusCodes).filter((s) => s !== '200');
  if (refresh.errors > 0 || bad.length) {
    throw new Error(
      `refresh: unclean run (errors ${refresh.errors}, status ${JSON.stringify(refresh.statusCodes)})`,
    );
  }
  return refresh.phases.filter((p) => p.name !== 'warm-up').map(roundAll);
}

export async function run({ quick, args }) {
  const profileDir = args.find((a) => a.startsWith('--profile='))?.slice('--profile='.length);
  const plan = quick
    ? { hashes: 2, login: 2, clients: 20, me: { rounds: 1, duration: 2, warmup: 1 }, refresh: [1, 2, 3] }
    : { hashes: 7, login: 8, clients: 20, me: { rounds: 5, duration: 3, warmup: 2 }, refresh: [3, 8, 10] };
  const loadavgAtStart = os.loadavg().map((l) => round(l, 3));
  const dir = mkdtempSync(join(os.tmpdir(), 'tessera-bench-server-'));
  const argon2 = await measureArgon2(plan.hashes);
  console.log(
    `argon2id m=${argon2.params.memoryCost} KiB t=${argon2.params.timeCost} p=${argon2.params.parallelism}: ` +
      `hash ${argon2.hash.wallMs} ms (cpu ${argon2.hash.cpuMs}), verify ${argon2.verify.wallMs} ms (cpu ${argon2.verify.cpuMs})`,
  );

  const execArgv = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(profileDir)}`] : [];
  const env = serverEnv(`sqlite:${join(dir, 'tessera.db')}`); // one master key for server and verify-only app
  const auth = await spawnServer(script('server-tessera.mjs'), {
    env,
    execArgv,
    timeoutMs: 60_000,
  });
  let bare;
  let bareAuth;
  const out = { loadavgAtStart, argon2, clients: plan.clients, cpus: os.cpus().length };
  try {
    const reg = await postJson(auth.url, '/v1/auth/register', { email: EMAIL, password: PASSWORD });
    if (reg.status !== 201) throw new Error(`register: status ${reg.status} ${JSON.stringify(reg.json)}`);

    // Logins: the whole route (rate-limit checks, argon2id verify, session row, token, audit).
    const loginBody = JSON.stringify({ email: EMAIL, password: PASSWORD, refresh_token_in_body: true });
    const loginOpts = {
      url: `${auth.url}/v1/auth/login`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: loginBody,
      connections: 4,
    };
    assertClean('login warm-up', await httpLoad({ ...loginOpts, duration: 2 }));
    const login = await loadWithCpu(auth.pid, { ...loginOpts, duration: plan.login });
    assertClean('login', login);
    out.login = pick(login);

    const [revoked, ...sessions] = await loginSessions(auth.url, plan.clients + 1, 4);
    const pool = sessions.map((s) => s.accessToken);
    // The deny-list is live and consulted: one logged-out session's token must now get 401.
    const bearer = (token) => ({ authorization: `Bearer ${token}` });
    const out204 = await fetch(`${auth.url}/v1/auth/logout`, {
      method: 'POST',
      headers: bearer(revoked.accessToken),
    });
    const after = await fetch(`${auth.url}/v1/me`, { headers: bearer(revoked.accessToken) });
    if (out204.status !== 204 || after.status !== 401) {
      throw new Error(
        `deny-list check: logout ${out204.status}, then /v1/me ${after.status} (expected 204, 401)`,
      );
    }
    const me = await fetch(`${auth.url}/v1/me`, { headers: { authorization: `Bearer ${pool[0]}` } });
    const claims = await me.json();
    if (me.status !== 200 || typeof claims.sub !== 'string') throw new Error(`/v1/me: status ${me.status}`);

    // GET /v1/me: every request carries one of the pool's tokens in turn (a client reuses its token).
    bare = await spawnServer(script('server-fastify-bare.mjs'), { args: [JSON.stringify(claims)] });
    bareAuth = await spawnServer(script('server-fastify-auth.mjs'), { env, timeoutMs: 60_000 });
    const denied = await fetch(`${bareAuth.url}/v1/me`, { headers: { authorization: 'Bearer x.y.z' } });
    if (denied.status !== 401) throw new Error(`fastify + tessera verify: a bad token got ${denied.status}`);
    const meRequests = () => {
      let k = 0;
      return [
        {
          method: 'GET',
          path: '/v1/me',
          setupRequest(req) {
            req.headers = { ...req.headers, authorization: `Bearer ${pool[k++ % pool.length]}` };
            return req;
          },
        },
      ];
    };
    const meTargets = [
      { name: 'fastify bare, no auth', url: bare.url, pid: bare.pid, requests: meRequests() },
      { name: 'fastify bare + tessera verify', url: bareAuth.url, pid: bareAuth.pid, requests: meRequests() },
      { name: 'tessera /v1/me', url: auth.url, pid: auth.pid, requests: meRequests() },
      {
        name: 'tessera /healthz',
        url: auth.url,
        pid: auth.pid,
        requests: meRequests().map((r) => ({ ...r, path: '/healthz' })),
      },
    ];
    out.me = await compareWithCpu(meTargets, { ...plan.me, connections: 10 });
    await Promise.all([bare.close(), bareAuth.close()]);
    bare = undefined;
    bareAuth = undefined;

    // Refreshes: the driver process, every client rotating its own token.
    out.refresh = await refreshRun(auth.url, auth.pid, dir, sessions, [
      ...refreshPhases(plan.clients, plan.refresh),
      {
        name: '1 client, back to back',
        mode: 'saturate',
        duration: Math.min(plan.refresh[1], 4),
        clients: 1,
      },
    ]);
    out.loadavgAfterSqlite = os.loadavg().map((l) => round(l, 3));
    const sqlitePaced = out.refresh.find((p) => p.mode === 'paced');
    if (sqlitePaced?.serverCpuUsPerReq) {
      out.floor = await machineFloor(sqlitePaced, dir, plan.refresh[2]);
    }

    // The same refresh load on PostgreSQL (same machine: PostgreSQL, server and driver share the cores).
    // Twice: every refresh from one address (a backend-for-frontend: the per-address refresh limit
    // takes its points in leases), then each from its own address behind a trusted proxy (a
    // population of browsers: one rate-limit count per refresh, in the refresh's own statement).
    const pgUrl = postgresUrl();
    for (const addresses of pgUrl ? ['one', 'distinct'] : []) {
      const database = await freshPostgres(pgUrl);
      let pgServer;
      try {
        pgServer = await spawnServer(script('server-tessera.mjs'), {
          env: {
            ...serverEnv(database.url),
            ...(addresses === 'distinct' ? { TESSERA_TRUSTED_PROXIES: '127.0.0.1/32' } : {}),
          },
          execArgv,
          timeoutMs: 60_000,
        });
        const pgSessions = await prepareSessions(pgServer.url, plan.clients);
        const phases = await refreshRun(
          pgServer.url,
          pgServer.pid,
          dir,
          pgSessions,
          refreshPhases(plan.clients, plan.refresh),
          addresses,
        );
        if (addresses === 'one') out.refreshPostgres = phases;
        else out.refreshPostgresDistinct = phases;
      } finally {
        await pgServer?.close();
        await database.drop();
      }
    }
  } finally {
    await Promise.all([auth.close(), bare?.close(), bareAuth?.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
  report(out, quick);
  if (profileDir) console.log(`CPU profile of the auth server written to ${resolve(profileDir)}`);
  if (!quick || args.includes('--write')) console.log(`wrote ${writeResults('server', out)}`);
}

function report(out, quick) {
  const cell = (v) => (v === null || v === undefined ? '-' : String(round(v, 3)));
  const bare = out.me.find((r) => r.name === 'fastify bare, no auth');
  const bareAuth = out.me.find((r) => r.name === 'fastify bare + tessera verify');
  const me = out.me.find((r) => r.name === 'tessera /v1/me');
  const refreshRow = (engine) => (p) => [
    `POST /v1/auth/refresh (${engine}): ${p.name}`,
    cell(p.reqPerSec),
    cell(p.latencyP50Ms),
    cell(p.latencyP99Ms),
    cell(p.serverCpuUsPerReq),
    '-',
    bare.serverCpuUsPerReq && p.serverCpuUsPerReq
      ? `${(p.serverCpuUsPerReq / bare.serverCpuUsPerReq).toFixed(1)}x`
      : '-',
  ];
  // A row with no ratio to bare Fastify.
  const plainRow = (name, r) => [
    name,
    cell(r.reqPerSec),
    cell(r.latencyP50Ms),
    cell(r.latencyP99Ms),
    cell(r.serverCpuUsPerReq),
    '-',
    '-',
  ];
  const rows = [
    plainRow('POST /v1/auth/login (4 conns)', out.login),
    ...out.refresh.map(refreshRow('SQLite')),
    ...(out.floor
      ? [
          plainRow(
            `bare Fastify burning the same CPU (${cell(out.floor.spinUs)} µs spin), paced at the same rate`,
            out.floor,
          ),
        ]
      : []),
    ...(out.refreshPostgres ?? []).map(refreshRow('PostgreSQL')),
    ...(out.refreshPostgresDistinct ?? []).map(refreshRow('PostgreSQL, one address per refresh')),
    ...out.me.map((r) => [
      `GET ${r.name} (10 conns)`,
      cell(r.reqPerSec),
      cell(r.latencyP50Ms),
      cell(r.latencyP99Ms),
      cell(r.serverCpuUsPerReq),
      `${(r.reqPerSec / bare.reqPerSec).toFixed(2)}x`,
      r.serverCpuUsPerReq && bare.serverCpuUsPerReq
        ? `${(r.serverCpuUsPerReq / bare.serverCpuUsPerReq).toFixed(2)}x`
        : '-',
    ]),
  ];
  console.log(
    `\n${formatTable(
      ['load', 'req/s', 'p50 ms', 'p99 ms', 'server cpu µs/req', 'req/s vs bare', 'cpu vs bare'],
      rows,
    )}`,
  );
  const capacity = out.refresh.find((p) => p.mode === 'saturate' && p.clients === out.clients);
  const paced = out.refresh.find((p) => p.mode === 'paced');
  const pgCapacity = out.refreshPostgres?.find((p) => p.mode === 'saturate');
  const pgPaced = out.refreshPostgres?.find((p) => p.mode === 'paced');
  const pgDistinctCapacity = out.refreshPostgresDistinct?.find((p) => p.mode === 'saturate');
  const pgDistinctPaced = out.refreshPostgresDistinct?.find((p) => p.mode === 'paced');
  const meRatio = me.reqPerSec / bare.reqPerSec;
  // Where a paced p99 comes from: the driver sending late (its own timer or event loop behind, a
  // share of the 2 cores it did not get) and the wait from the send to the whole answer.
  const split = (p) =>
    p.sendLagP99Ms === undefined
      ? ''
      : `; driver late p99 ${cell(p.sendLagP99Ms)} ms, send → answer p99 ${cell(p.answerP99Ms)} ms`;
  const refreshCpuRatio =
    capacity.serverCpuUsPerReq && bare.serverCpuUsPerReq
      ? capacity.serverCpuUsPerReq / bare.serverCpuUsPerReq
      : null;
  // Capacity per vCPU: requests one CPU-second of the server process serves (1e6 / CPU µs per
  // request), the figure Keycloak's sizing guide gives per vCPU.
  const perVcpu = (us) => (us ? 1e6 / us : null);
  out.perVcpu = roundAll({
    refreshSqlite: perVcpu(capacity.serverCpuUsPerReq),
    refreshPostgres: perVcpu(pgCapacity?.serverCpuUsPerReq),
    refreshPostgresDistinct: perVcpu(pgDistinctCapacity?.serverCpuUsPerReq),
    login: perVcpu(out.login.serverCpuUsPerReq),
    keycloakRefresh: KEYCLOAK_PER_VCPU.refreshesPerSec,
    keycloakLogin: KEYCLOAK_PER_VCPU.passwordLoginsPerSec,
  });
  console.log(
    `\ncapacity per vCPU (requests per CPU-second of the server process; Keycloak's published sizing):\n` +
      `  refresh, SQLite:     ${cell(out.perVcpu.refreshSqlite)}/s  (Keycloak: ${KEYCLOAK_PER_VCPU.refreshesPerSec}/s)\n` +
      `  refresh, PostgreSQL: ${cell(out.perVcpu.refreshPostgres)}/s, one address per refresh ${cell(out.perVcpu.refreshPostgresDistinct)}/s  (server process only; PostgreSQL's own CPU not counted)\n` +
      `  password login:      ${cell(out.perVcpu.login)}/s  (Keycloak: ${KEYCLOAK_PER_VCPU.passwordLoginsPerSec}/s)`,
  );
  out.targets = [
    target(
      '/v1/me, default settings, 10 conns >= 0.80x bare Fastify',
      meRatio >= 0.8,
      `${meRatio.toFixed(2)}x`,
    ),
    target(
      'refresh on SQLite: server CPU per refresh <= 10x bare Fastify CPU per request',
      refreshCpuRatio === null ? null : refreshCpuRatio <= 10,
      refreshCpuRatio === null
        ? 'no CPU figures'
        : `${refreshCpuRatio.toFixed(1)}x (${cell(capacity.serverCpuUsPerReq)} vs ${cell(bare.serverCpuUsPerReq)} µs)`,
    ),
    target(
      `refresh on SQLite: p99 < 3 ms at half capacity, ${out.clients} clients, paced open-loop`,
      paced.latencyP99Ms === null ? null : paced.latencyP99Ms < 3,
      `p99 ${cell(paced.latencyP99Ms)} ms (max ${cell(paced.latencyMaxMs)}) at ${cell(paced.reqPerSec)}/s` +
        `, server CPU ${cell(paced.serverCpuUsPerReq)} µs/refresh${split(paced)}` +
        (out.floor
          ? `; bare Fastify burning ${cell(out.floor.serverCpuUsPerReq)} µs/request at that rate: p99 ${cell(out.floor.latencyP99Ms)} ms`
          : '') +
        (quick ? ' (quick run)' : ''),
    ),
    // Judged on both runs: one client address (leased rate-limit points) and one per refresh.
    target(
      'refresh on PostgreSQL: >= 1000/s at capacity (one instance)',
      pgCapacity ? pgCapacity.reqPerSec >= 1000 && (pgDistinctCapacity?.reqPerSec ?? 0) >= 1000 : null,
      pgCapacity
        ? `${cell(pgCapacity.reqPerSec)}/s; one address per refresh ${cell(pgDistinctCapacity?.reqPerSec)}/s`
        : 'no PostgreSQL (set TESSERA_BENCH_POSTGRES_URL)',
    ),
    target(
      'refresh on PostgreSQL: p99 < 10 ms at half capacity',
      pgPaced ? pgPaced.latencyP99Ms < 10 && (pgDistinctPaced?.latencyP99Ms ?? Infinity) < 10 : null,
      pgPaced
        ? `p99 ${cell(pgPaced.latencyP99Ms)} ms at ${cell(pgPaced.reqPerSec)}/s${split(pgPaced)}` +
            (pgDistinctPaced
              ? `; one address per refresh: p99 ${cell(pgDistinctPaced.latencyP99Ms)} ms at ${cell(pgDistinctPaced.reqPerSec)}/s${split(pgDistinctPaced)}`
              : '')
        : '-',
    ),
    target(
      "(auth alone) bare Fastify + Tessera's verification >= 0.8x bare Fastify",
      bareAuth.reqPerSec / bare.reqPerSec >= 0.8,
      `${(bareAuth.reqPerSec / bare.reqPerSec).toFixed(2)}x`,
    ),
  ];
  out.meCpuRatio = me.serverCpuUsPerReq ? round(me.serverCpuUsPerReq / bare.serverCpuUsPerReq, 3) : null;
  out.meRatio = round(meRatio, 3);
  out.refreshCpuRatio = refreshCpuRatio === null ? null : round(refreshCpuRatio, 3);
  console.log(`\ntargets:\n${formatTargets(out.targets)}`);
  console.log(`load average at start ${out.loadavgAtStart.join(' ')}, ${out.cpus} vCPUs`);
}
