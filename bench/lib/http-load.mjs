// HTTP load measurement with autocannon, for the server and middleware suites.
//
// The server under test runs in its own process (`spawnServer`), so on a 2-core machine the load
// generator and the server each get a core instead of fighting over one event loop. Several servers
// are compared in interleaved rounds, like the micro-benchmarks, and reported by their medians.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { median } from './stats.mjs';

const READY = 'BENCH_LISTENING ';

/**
 * For server scripts: listen on 127.0.0.1 with a free port and tell the parent which one.
 * @param {import('node:http').Server | { listen: Function, address: Function }} server
 */
export async function announceListening(server) {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  process.stdout.write(`${READY}${server.address().port}\n`);
}

/** The line a server script prints once it listens (for servers that own their listen call). */
export function readyLine(port) {
  return `${READY}${port}`;
}

/**
 * Starts `node script ...args` and waits until it prints its port (see `announceListening`).
 * @returns {Promise<{ url: string, port: number, pid: number, close: () => Promise<void> }>}
 */
export async function spawnServer(script, { args = [], env = {}, execArgv = [], timeoutMs = 15_000 } = {}) {
  const child = spawn(process.execPath, [...execArgv, script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${script}: no "${READY}<port>" within ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.once('exit', (code) => reject(new Error(`${script} exited (code ${code}) before listening`)));
    child.once('error', reject);
    lines.on('line', (line) => {
      if (line.startsWith(READY)) {
        clearTimeout(timer);
        resolve(Number(line.slice(READY.length)));
      }
    });
  });
  child.removeAllListeners('exit');
  child.on('exit', () => {});
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Runs one autocannon load and returns its summary.
 * @param {{ url: string, method?: string, headers?: Record<string,string>, body?: string,
 *   connections?: number, pipelining?: number, duration?: number, requests?: object[] }} opts
 */
export async function httpLoad(opts) {
  const result = await autocannon({
    url: opts.url,
    method: opts.method ?? 'GET',
    headers: opts.headers,
    body: opts.body,
    requests: opts.requests,
    connections: opts.connections ?? 50,
    pipelining: opts.pipelining ?? 1,
    duration: opts.duration ?? 5,
  });
  return {
    reqPerSec: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyAvgMs: result.latency.average,
    total: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([k, v]) => [k, v.count])),
  };
}

/** Throws unless the run completed requests with only the expected status codes and no errors. */
export function assertClean(name, run, expectStatus = [200]) {
  const bad = Object.keys(run.statusCodes).filter((s) => !expectStatus.includes(Number(s)));
  if (run.total === 0 || run.errors > 0 || run.timeouts > 0 || bad.length > 0) {
    throw new Error(
      `${name}: unclean HTTP run (total ${run.total}, errors ${run.errors}, timeouts ${run.timeouts}, ` +
        `status codes ${JSON.stringify(run.statusCodes)}, expected ${expectStatus.join('/')})`,
    );
  }
}

/**
 * Compares several HTTP targets in interleaved rounds (order rotated), after a warm-up run of each.
 * Each target: { name, url, method?, headers?, body?, requests?, expectStatus?: number[] }.
 * @param {object[]} targets
 * @param {{ rounds?: number, duration?: number, warmup?: number, connections?: number, pipelining?: number }} [opts]
 */
export async function compareHttp(targets, opts = {}) {
  const rounds = opts.rounds ?? 3;
  const load = (t, duration) =>
    httpLoad({ ...t, duration, connections: opts.connections, pipelining: opts.pipelining });
  for (const t of targets) assertClean(t.name, await load(t, opts.warmup ?? 1), t.expectStatus);
  const runs = targets.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < targets.length; k++) {
      const i = (round + k) % targets.length;
      const run = await load(targets[i], opts.duration ?? 3);
      assertClean(targets[i].name, run, targets[i].expectStatus);
      runs[i].push(run);
    }
  }
  return targets.map((t, i) => ({
    name: t.name,
    reqPerSec: median(runs[i].map((r) => r.reqPerSec)),
    latencyP50Ms: median(runs[i].map((r) => r.latencyP50Ms)),
    latencyP99Ms: median(runs[i].map((r) => r.latencyP99Ms)),
    rounds: runs[i].map((r) => ({ reqPerSec: r.reqPerSec, p50: r.latencyP50Ms, p99: r.latencyP99Ms })),
  }));
}
