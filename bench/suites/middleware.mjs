// Suite `middleware`: what token verification costs a real HTTP service. For HS256 and ES256, the
// same JSON route served by Fastify 5 and Express 5, each with no auth, @tessera/verify (uncached
// and with the verified-token cache), and the usual peer (@fastify/jwt uncached and cached;
// express-jwt). Every server runs in its own process, autocannon runs here; contenders are
// interleaved across rounds and reported by their median req/s, and as a ratio to no auth in the
// same framework. Before any load, every contender must accept the token and refuse a tampered,
// expired, wrong-issuer and wrong-audience one. Also runs @tessera/verify's revocation benchmark
// (one million live revocations: lookup time and memory).

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { createSigner, exportJwks, generateKey, importKey, publicKeyOf } from '@tessera/core';
import { assertClean, httpLoad, spawnServer } from '../lib/http-load.mjs';
import { writeResults } from '../lib/results.mjs';
import { median, round } from '../lib/stats.mjs';
import { formatTable, formatTargets, target } from '../lib/table.mjs';

export const description =
  'HTTP middleware: Fastify/Express with no auth, @tessera/verify, @fastify/jwt, express-jwt (HS256, ES256)';

const SERVERS = {
  fastify: fileURLToPath(new URL('../servers/middleware-fastify.mjs', import.meta.url)),
  express: fileURLToPath(new URL('../servers/middleware-express.mjs', import.meta.url)),
};
const REVOCATION_BENCH = fileURLToPath(
  new URL('../../packages/verify/dist/test/revocation-bench.js', import.meta.url),
);
const ISSUER = 'https://auth.example.com';
const AUDIENCE = 'api.example.com';

// kind: 'none' (the framework's ceiling), 'tessera' or 'peer'.
const CONTENDERS = [
  { framework: 'fastify', auth: 'none', kind: 'none', name: 'Fastify, no auth' },
  { framework: 'fastify', auth: 'tessera', kind: 'tessera', name: 'Fastify + @tessera/verify' },
  { framework: 'fastify', auth: 'tessera-cached', kind: 'tessera', name: 'Fastify + @tessera/verify cached' },
  { framework: 'fastify', auth: 'fastify-jwt', kind: 'peer', name: 'Fastify + @fastify/jwt' },
  { framework: 'fastify', auth: 'fastify-jwt-cached', kind: 'peer', name: 'Fastify + @fastify/jwt cached' },
  { framework: 'express', auth: 'none', kind: 'none', name: 'Express, no auth' },
  { framework: 'express', auth: 'tessera', kind: 'tessera', name: 'Express + @tessera/verify' },
  { framework: 'express', auth: 'tessera-cached', kind: 'tessera', name: 'Express + @tessera/verify cached' },
  { framework: 'express', auth: 'express-jwt', kind: 'peer', name: 'Express + express-jwt' },
];

/** Keys, the token under load, the bad tokens every contender must refuse, and BENCH_MW for servers. */
async function fixtures(alg) {
  const sub = `u_${randomBytes(12).toString('base64url')}`;
  const claims = { sub, sid: randomBytes(12).toString('base64url'), roles: ['user'] };
  const env = { alg, issuer: ISSUER, audience: AUDIENCE, sub };
  let key;
  let jwks;
  if (alg === 'HS256') {
    const secret = randomBytes(32);
    key = importKey(secret, { alg, kid: 'hs1' });
    env.secret = secret.toString('base64url');
  } else {
    key = generateKey(alg, { kid: 'es1' });
    env.publicPem = key.publicKey.export({ type: 'spki', format: 'pem' });
    // The issuer's JWKS, for the remote verifier: fetched once at start-up, then cached an hour.
    const body = JSON.stringify(exportJwks([publicKeyOf(key)]));
    jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=3600' });
      res.end(body);
    });
    jwks.listen(0, '127.0.0.1');
    await once(jwks, 'listening');
    env.jwksUri = `http://127.0.0.1:${jwks.address().port}/jwks.json`;
  }
  const signer = (opts = {}) =>
    createSigner({ key, issuer: ISSUER, audience: AUDIENCE, ttl: '15m', ...opts });
  const token = signer()(claims);
  const dot = token.lastIndexOf('.') + 20;
  const bad = {
    tampered: token.slice(0, dot) + (token[dot] === 'A' ? 'B' : 'A') + token.slice(dot + 1),
    expired: signer({ now: () => Date.now() - 3_600_000 })(claims),
    'wrong iss': signer({ issuer: 'https://evil.example.com' })(claims),
    'wrong aud': signer({ audience: 'other.example.com' })(claims),
  };
  return { env, token, bad, sub, close: () => (jwks ? new Promise((r) => jwks.close(r)) : undefined) };
}

/** Every auth contender must accept the token, refuse the bad ones and the missing one. */
async function checkContender(c, url, fx) {
  const get = (token) =>
    fetch(`${url}/orders`, token ? { headers: { authorization: `Bearer ${token}` } } : {}).then(
      async (r) => ({
        status: r.status,
        body: await r.text(),
      }),
    );
  const ok = await get(fx.token);
  if (ok.status !== 200 || JSON.parse(ok.body).sub !== fx.sub)
    throw new Error(`${c.name}: the valid token got ${ok.status} ${ok.body}`);
  if (c.kind === 'none') return;
  for (const [what, token] of [['no token', undefined], ...Object.entries(fx.bad)]) {
    const r = await get(token);
    if (r.status !== 401) throw new Error(`${c.name} does not really verify: ${what} got ${r.status}`);
  }
}

const TICK_S = 1 / (Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100);

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_S; // utime, stime (fields 14, 15)
  } catch {
    return Number.NaN;
  }
}

/**
 * compareHttp's method (warm-up, interleaved rounds with the start rotated, medians), plus the
 * server process's CPU time per request: on a shared machine req/s also measures the neighbours,
 * while CPU per request is what the middleware itself costs.
 */
async function interleave(targets, { rounds, duration, warmup, connections }) {
  for (const t of targets) assertClean(t.name, await httpLoad({ ...t, duration: warmup, connections }));
  const runs = targets.map(() => []);
  for (let pass = 0; pass < rounds; pass++) {
    for (let k = 0; k < targets.length; k++) {
      const i = (pass + k) % targets.length;
      const cpu0 = cpuSeconds(targets[i].pid);
      const run = await httpLoad({ ...targets[i], duration, connections });
      const cpu = cpuSeconds(targets[i].pid) - cpu0;
      assertClean(targets[i].name, run);
      runs[i].push({
        reqPerSec: Math.round(run.reqPerSec),
        cpuUsPerReq: round((cpu * 1e6) / run.total, 3),
        p50: run.latencyP50Ms,
        p99: run.latencyP99Ms,
      });
    }
  }
  return runs.map((r) => ({
    reqPerSec: median(r.map((x) => x.reqPerSec)),
    cpuUsPerReq: median(r.map((x) => x.cpuUsPerReq)),
    latencyP50Ms: median(r.map((x) => x.p50)),
    latencyP99Ms: median(r.map((x) => x.p99)),
    rounds: r,
  }));
}

/**
 * Median over rounds of the ratio within each round: a contender and its no-auth baseline run a few
 * seconds apart in the same round, so the load of the neighbours cancels out better than in a ratio
 * of medians taken over minutes.
 */
function pairedRatio(rounds, baseRounds, ratio) {
  return round(median(rounds.map((x, k) => ratio(x, baseRounds[k]))), 3);
}

async function runAlg(alg, quick) {
  const fx = await fixtures(alg);
  // One at a time: on a loaded 2-core machine nine parallel start-ups can take longer than a timeout.
  const servers = [];
  try {
    for (const c of CONTENDERS) {
      servers.push(
        await spawnServer(SERVERS[c.framework], {
          args: [`--auth=${c.auth}`],
          env: { BENCH_MW: JSON.stringify(fx.env) },
          timeoutMs: 60_000,
        }),
      );
    }
    for (let i = 0; i < CONTENDERS.length; i++) await checkContender(CONTENDERS[i], servers[i].url, fx);
    const results = await interleave(
      CONTENDERS.map((c, i) => ({
        name: c.name,
        pid: servers[i].pid,
        url: `${servers[i].url}/orders`,
        headers: { authorization: `Bearer ${fx.token}` },
      })),
      quick
        ? { rounds: 1, duration: 1, warmup: 1, connections: 20 }
        : { rounds: 8, duration: 1, warmup: 1, connections: 50 },
    );
    return CONTENDERS.map((c, i) => {
      const base = results[CONTENDERS.findIndex((b) => b.framework === c.framework && b.kind === 'none')];
      const r = results[i];
      return {
        alg,
        framework: c.framework,
        auth: c.auth,
        kind: c.kind,
        name: c.name,
        reqPerSec: Math.round(r.reqPerSec),
        vsNoAuth: pairedRatio(r.rounds, base.rounds, (x, b) => x.reqPerSec / b.reqPerSec),
        cpuUsPerReq: round(r.cpuUsPerReq, 3),
        cpuVsNoAuth: pairedRatio(r.rounds, base.rounds, (x, b) => b.cpuUsPerReq / x.cpuUsPerReq),
        latencyP50Ms: r.latencyP50Ms,
        latencyP99Ms: r.latencyP99Ms,
        rounds: r.rounds,
      };
    });
  } finally {
    await Promise.all(servers.map((s) => s.close()));
    await fx.close();
  }
}

/** The issue's targets, judged on req/s ratios (as specified) and again on CPU-per-request ratios. */
function targets(rows) {
  const out = [];
  const find = (alg, framework, auth) =>
    rows.find((r) => r.alg === alg && r.framework === framework && r.auth === auth);
  for (const [metric, key] of [
    ['req/s', 'vsNoAuth'],
    ['cpu/req', 'cpuVsNoAuth'],
  ]) {
    for (const alg of ['HS256', 'ES256']) {
      for (const framework of ['fastify', 'express']) {
        const tessera = find(alg, framework, 'tessera');
        const cached = find(alg, framework, 'tessera-cached');
        if (!tessera || !cached) continue;
        const peers = rows.filter((r) => r.alg === alg && r.framework === framework && r.kind === 'peer');
        // Uncached Tessera against every uncached peer; cached Tessera against every peer.
        const ok = peers.every(
          (p) => (p.auth.endsWith('-cached') || tessera[key] > p[key]) && cached[key] > p[key],
        );
        const detail = [tessera, cached, ...peers].map((r) => `${r.auth} ${r[key].toFixed(2)}`).join(', ');
        out.push(target(`${alg} ${framework}: Tessera's overhead the smallest (${metric})`, ok, detail));
      }
    }
    const hs = find('HS256', 'fastify', 'tessera');
    if (hs)
      out.push(target(`Fastify + Tessera HS256 uncached >= 0.75 (${metric})`, hs[key] >= 0.75, `${hs[key]}`));
    const es = find('ES256', 'fastify', 'tessera-cached');
    if (es)
      out.push(target(`Fastify + Tessera ES256 cached >= 0.87 (${metric})`, es[key] >= 0.87, `${es[key]}`));
  }
  return out;
}

/** @tessera/verify's own deny-list benchmark (1,000,000 live revocations), run as it is. */
function revocationCost() {
  if (!existsSync(REVOCATION_BENCH))
    return { error: `${REVOCATION_BENCH} not found: build it with npx tsc -b packages/verify` };
  const r = spawnSync(process.execPath, ['--expose-gc', REVOCATION_BENCH], {
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (r.status !== 0) return { error: `revocation-bench exited ${r.status}: ${r.stderr.slice(-500)}` };
  return JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
}

export async function run({ quick, args }) {
  const algs = ['HS256', 'ES256'];
  console.log(
    `load average before: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (${os.cpus().length} cpus)`,
  );
  const rows = [];
  for (const alg of algs) {
    const algRows = await runAlg(alg, quick);
    rows.push(...algRows);
    console.log(
      `\n${alg}: medians of the rounds; "vs no auth": req/s over the same framework's no-auth req/s in the ` +
        'same round (median of rounds); "cpu vs no auth": the same from the server\'s CPU µs per request',
    );
    console.log(
      formatTable(
        ['contender', 'req/s', 'vs no auth', 'cpu µs/req', 'cpu vs no auth', 'p50 ms', 'p99 ms'],
        algRows.map((r) => [
          r.name,
          r.reqPerSec,
          `${r.vsNoAuth.toFixed(2)}x`,
          r.cpuUsPerReq,
          `${r.cpuVsNoAuth.toFixed(2)}x`,
          r.latencyP50Ms,
          r.latencyP99Ms,
        ]),
      ),
    );
  }
  const checks = targets(rows);
  console.log(`\ntargets (informational):\n${formatTargets(checks)}`);

  let revocations = { skipped: 'not run with --quick (add --revocations)' };
  if (!quick || args.includes('--revocations')) {
    console.log(
      '\nrevocation check with 1,000,000 live revocations (packages/verify/test/revocation-bench.ts):',
    );
    revocations = revocationCost();
    console.log(JSON.stringify(revocations, null, 2));
  }

  if (!quick || args.includes('--write')) {
    const path = writeResults('middleware', {
      method: {
        route: 'GET /orders, JSON body, Authorization: Bearer on every request (no-auth servers too)',
        load: quick ? 'quick: 1 round of 1 s, 20 connections' : '8 interleaved rounds of 1 s, 50 connections',
        ratios: 'vs no auth = median over rounds of (contender / same-framework no auth) within each round',
        tessera:
          'ES256: createRemoteVerifier over a local JWKS (revocation feed off); HS256: core createVerifier (no JWKS carries HS keys); typ at+jwt checked too',
        policy: 'every contender checks the algorithm allow-list, signature, iss, aud and exp',
      },
      results: rows,
      targets: checks.map((t) => ({ label: t.label, pass: t.ok, detail: t.detail })),
      revocations,
    });
    console.log(`wrote ${path}`);
  }
}
