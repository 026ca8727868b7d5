// The refresh load driver: its own process (the suite runs it with runIsolated), so neither the
// auth server nor the suite shares its event loop. Each of N clients holds its own refresh token
// and loops: POST /v1/auth/refresh {refresh_token} → keep the successor from the body → again.
// autocannon's fixed requests cannot do that (every request would replay one spent token).
//
// Phases: `saturate` (every client sends its next refresh as soon as the last one answers: the
// throughput, latencies dominated by queueing: ≈ clients / throughput) and `paced` (the same
// clients, each waiting its turn so that together they offer `rate` refreshes/s: the latency of a
// refresh when the server is not saturated, open loop). Latencies go into an HDR histogram
// (perf_hooks), to the moment the whole body has arrived from the moment the request is written
// (saturate) or from the moment it was scheduled to be sent (paced): a stall of the server then
// counts for every request that should have gone out meanwhile, instead of being hidden by the
// clients waiting for it (coordinated omission).
//
// argv[2]: JSON { url, tokensFile, serverPid?, phases: [{ name, mode, duration, rate?, rateOf?,
// clients? }] } (rateOf: a fraction of the last back-to-back phase's refreshes/s; clients: the first k).
// tokensFile: JSON array of refresh tokens, one per client (the suite logged them in).

import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createHistogram } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { emitResult } from '../lib/isolate.mjs';
import { processCpuMs } from './server-cpu.mjs';

const config = JSON.parse(process.argv[2]);
const tokens = JSON.parse(readFileSync(config.tokensFile, 'utf8'));
const url = new URL('/v1/auth/refresh', config.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: tokens.length });

function refresh(token) {
  const body = JSON.stringify({ refresh_token: token });
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.end(body);
  });
}

const current = [...tokens];
const failures = { errors: 0, statusCodes: {} };

async function client(i, phase, hists, until, counter) {
  const { hist, lag, service } = hists;
  const period = phase.mode === 'paced' ? (phase.clients / phase.rate) * 1e9 : 0;
  // Paced clients start spread over one period so they do not fire in lockstep.
  let next = process.hrtime.bigint() + BigInt(Math.round(Math.random() * period));
  while (process.hrtime.bigint() < until) {
    let t0;
    if (period > 0) {
      const wait = Number(next - process.hrtime.bigint()) / 1e6;
      if (wait > 0) await sleep(wait);
      t0 = next;
      next += BigInt(Math.round(period));
    } else {
      t0 = process.hrtime.bigint();
    }
    const sent = process.hrtime.bigint();
    let r;
    try {
      r = await refresh(current[i]);
    } catch {
      failures.errors++;
      return;
    }
    const ns = process.hrtime.bigint() - t0;
    failures.statusCodes[r.status] = (failures.statusCodes[r.status] ?? 0) + 1;
    if (r.status !== 200) return; // this client's family is gone; the suite fails the run
    current[i] = JSON.parse(r.text).refresh_token;
    hist.record(ns > 0n ? ns : 1n);
    // Where the time went: the driver sending late (its timer or event loop was behind), then the
    // wait from the send to the last byte of the answer (the server, the network stack, and the
    // driver reading the answer).
    const late = sent - t0;
    lag.record(late > 0n ? late : 1n);
    const waited = process.hrtime.bigint() - sent;
    service.record(waited > 0n ? waited : 1n);
    counter.n++;
  }
}

const results = [];
for (const spec of config.phases) {
  // rateOf: a fraction of the previous back-to-back phase's throughput.
  const previous = results.findLast((r) => r.mode === 'saturate');
  const rate = spec.rateOf !== undefined && previous ? previous.reqPerSec * spec.rateOf : spec.rate;
  const phase = { ...spec, rate, clients: Math.min(spec.clients ?? current.length, current.length) };
  const hists = { hist: createHistogram(), lag: createHistogram(), service: createHistogram() };
  const { hist } = hists;
  const counter = { n: 0 };
  const cpu0 = processCpuMs(config.serverPid);
  const t0 = process.hrtime.bigint();
  const until = t0 + BigInt(Math.round(phase.duration * 1e9));
  const loops = Array.from({ length: phase.clients }, (_, i) => client(i, phase, hists, until, counter));
  await Promise.all(loops);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu1 = processCpuMs(config.serverPid);
  const ms = (q) => Number(hist.percentile(q)) / 1e6;
  results.push({
    name: phase.name,
    mode: phase.mode,
    clients: phase.clients,
    offeredRate: phase.rate ?? null,
    seconds,
    requests: counter.n,
    reqPerSec: counter.n / seconds,
    latencyP50Ms: counter.n ? ms(50) : null,
    latencyP90Ms: counter.n ? ms(90) : null,
    latencyP99Ms: counter.n ? ms(99) : null,
    latencyMaxMs: counter.n ? Number(hist.max) / 1e6 : null,
    sendLagP99Ms: counter.n ? Number(hists.lag.percentile(99)) / 1e6 : null,
    answerP99Ms: counter.n ? Number(hists.service.percentile(99)) / 1e6 : null,
    serverCpuUsPerReq:
      cpu0 !== null && cpu1 !== null && counter.n ? ((cpu1 - cpu0) * 1000) / counter.n : null,
  });
}
agent.destroy();
emitResult({ phases: results, ...failures });
