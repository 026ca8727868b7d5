// CPU time of another process (the auth server under load), read from /proc on Linux: the suite
// reports server CPU µs per request, which a busy shared machine disturbs less than req/s.

import { readFileSync } from 'node:fs';
import { assertClean, httpLoad } from '../lib/http-load.mjs';
import { median, round } from '../lib/stats.mjs';

/** CPU milliseconds (user + system) process `pid` has used so far; null where /proc is missing. */
export function processCpuMs(pid) {
  if (!pid) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After "pid (comm) ", utime and stime are fields 14 and 15 of stat, in ticks of 10 ms
    // (CLK_TCK is 100 on Linux).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** One autocannon run with the server's CPU time per request (from /proc). */
export async function loadWithCpu(pid, opts) {
  const cpu0 = processCpuMs(pid);
  const run = await httpLoad(opts);
  const cpu1 = processCpuMs(pid);
  run.serverCpuUsPerReq = cpu0 !== null && run.total ? ((cpu1 - cpu0) * 1000) / run.total : null;
  return run;
}

/**
 * compareHttp's interleaved rounds (warm-up, then the order rotated each round, medians), plus the
 * server's CPU µs per request: on a shared machine whose other jobs take most of the CPU, req/s
 * says how busy the machine was, CPU per request what a request costs.
 */
export async function compareWithCpu(targets, opts) {
  const load = (t, duration) => loadWithCpu(t.pid, { ...t, duration, connections: opts.connections });
  for (const t of targets) assertClean(t.name, await load(t, opts.warmup));
  const runs = targets.map(() => []);
  for (let round = 0; round < opts.rounds; round++) {
    for (let k = 0; k < targets.length; k++) {
      const i = (round + k) % targets.length;
      const r = await load(targets[i], opts.duration);
      assertClean(targets[i].name, r);
      runs[i].push(r);
    }
  }
  const med = (list, key) => (list.some((r) => r[key] === null) ? null : median(list.map((r) => r[key])));
  return targets.map((t, i) => ({
    name: t.name,
    ...pick({
      reqPerSec: med(runs[i], 'reqPerSec'),
      latencyP50Ms: med(runs[i], 'latencyP50Ms'),
      latencyP99Ms: med(runs[i], 'latencyP99Ms'),
      total: runs[i].reduce((a, r) => a + r.total, 0),
      serverCpuUsPerReq: med(runs[i], 'serverCpuUsPerReq'),
    }),
    rounds: runs[i].map((r) => pick(r)),
  }));
}

export const pick = (r) =>
  roundAll({
    reqPerSec: r.reqPerSec,
    latencyP50Ms: r.latencyP50Ms,
    latencyP99Ms: r.latencyP99Ms,
    total: r.total,
    serverCpuUsPerReq: r.serverCpuUsPerReq,
  });

export function roundAll(o) {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'number' ? round(v, 4) : v]));
}
