// The refresh load driver: its own process (the suite runs it with runIsolated), so neither the
// auth server nor the suite shares its event loop. Each of N clients holds its own refresh token
// and its own keep-alive connection, and loops: POST /v1/auth/refresh {refresh_token} → keep the
// successor from the body → again. autocannon's fixed requests cannot do that (every request would
// replay one spent token).
//
// The clients speak HTTP/1.1 over plain sockets (a prebuilt request, a response read by its
// Content-Length) instead of node:http: node:http's client cost about as much CPU per request as
// the server's refresh, on the two cores the server shares with it, which is the load generator
// measuring itself. The driver reports its own CPU per request next to the server's.
//
// Phases: `saturate` (every client sends its next refresh as soon as the last one answers: the
// throughput, latencies dominated by queueing: ≈ clients / throughput) and `paced` (the same
// clients, each waiting its turn so that together they offer `rate` refreshes/s: the latency of a
// refresh when the server is not saturated, open loop). Latencies go into an HDR histogram
// (perf_hooks), to the moment the whole body has arrived from the moment the request is written
// (saturate) or from the moment it was scheduled to be sent (paced; from the send if a timer fired
// early): a stall of the server then counts for every request that should have gone out meanwhile,
// instead of being hidden by the clients waiting for it (coordinated omission).
//
// argv[2]: JSON { url, tokensFile, serverPid?, phases: [{ name, mode, duration, rate?, rateOf?,
// clients? }] } (rateOf: a fraction of the last back-to-back phase's refreshes/s; clients: the first k).
// tokensFile: JSON array of refresh tokens, one per client (the suite logged them in).

import { readFileSync } from 'node:fs';
import net from 'node:net';
import { createHistogram } from 'node:perf_hooks';
import { emitResult } from '../lib/isolate.mjs';
import { processCpuMs } from './server-cpu.mjs';

const config = JSON.parse(process.argv[2]);
const tokens = JSON.parse(readFileSync(config.tokensFile, 'utf8'));
const target = new URL('/v1/auth/refresh', config.url);
const REQUEST_LINE = `POST ${target.pathname} HTTP/1.1\r\n`;
const HEAD = `Host: ${target.host}\r\nContent-Type: application/json\r\nContent-Length: `;
const HEADER_END = Buffer.from('\r\n\r\n');
// `addresses: 'distinct'`: every request comes from its own client address (X-Forwarded-For, for a
// server that trusts this proxy), as a population of browsers would; by default all come from one
// address, as from a backend-for-frontend. Per-address counters (the refresh rate limit) differ.
let nextAddress = 0;
const addressHeader =
  config.addresses === 'distinct'
    ? () => {
        const n = nextAddress++;
        return `X-Forwarded-For: 10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}\r\n`;
      }
    : () => '';
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)/i;

/**
 * One keep-alive HTTP/1.1 connection that carries one request at a time. `onAnswer(status, body)`
 * gets each whole response; a response without Content-Length, a closed socket or an error is a
 * failure (`onFailure`), which the suite reports as an unclean run.
 */
function connect(onAnswer, onFailure) {
  const socket = net.connect({ host: target.hostname, port: Number(target.port), noDelay: true });
  let buffered = null;
  let bodyStart = -1;
  let total = -1;
  let status = 0;
  socket.on('data', (chunk) => {
    buffered = buffered === null ? chunk : Buffer.concat([buffered, chunk]);
    if (bodyStart < 0) {
      const end = buffered.indexOf(HEADER_END);
      if (end < 0) return;
      const head = buffered.toString('latin1', 0, end);
      const length = CONTENT_LENGTH.exec(head);
      if (!length) {
        socket.destroy();
        onFailure(new Error(`response without Content-Length: ${head.split('\r\n', 1)[0]}`));
        return;
      }
      status = Number(head.slice(9, 12));
      bodyStart = end + HEADER_END.length;
      total = bodyStart + Number(length[1]);
    }
    if (buffered.length < total) return;
    const body = buffered.toString('utf8', bodyStart, total);
    buffered = null;
    bodyStart = -1;
    onAnswer(status, body);
  });
  socket.on('error', onFailure);
  socket.on('close', () => onFailure(new Error('connection closed')));
  return {
    send(token) {
      const body = `{"refresh_token":${JSON.stringify(token)}}`;
      socket.write(`${REQUEST_LINE}${addressHeader()}${HEAD}${Buffer.byteLength(body)}\r\n\r\n${body}`);
    },
    close() {
      socket.removeAllListeners('close');
      socket.destroy();
    },
  };
}

const current = [...tokens];
const failures = { errors: 0, statusCodes: {} };
const now = () => process.hrtime.bigint();

/**
 * Runs one client through `phase`: resolves when its time is up or its refresh family is gone.
 * Paced clients start spread over one period so they do not fire in lockstep.
 */
function runClient(i, phase, hists, until, counter) {
  const { hist, lag, service } = hists;
  const period = phase.mode === 'paced' ? (phase.clients / phase.rate) * 1e9 : 0;
  return new Promise((resolve) => {
    let due = now() + BigInt(Math.round(Math.random() * period));
    let sent = 0n;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      connection.close();
      resolve();
    };
    const connection = connect(
      (status, body) => {
        const end = now();
        failures.statusCodes[status] = (failures.statusCodes[status] ?? 0) + 1;
        if (status !== 200) return finish(); // this client's family is gone; the suite fails the run
        current[i] = JSON.parse(body).refresh_token;
        const from = due < sent ? due : sent;
        hist.record(end - from > 0n ? end - from : 1n);
        // Where the time went: the driver sending late (its timer or event loop was behind, or the
        // previous answer came after this request was due), then the wait from the send to the
        // last byte of the answer (the server, the network stack, and the driver reading it).
        lag.record(sent - due > 0n ? sent - due : 1n);
        service.record(end - sent > 0n ? end - sent : 1n);
        counter.n++;
        next();
      },
      () => {
        failures.errors++;
        finish();
      },
    );
    const send = () => {
      sent = now();
      connection.send(current[i]);
    };
    function next() {
      const t = now();
      if (t >= until) return finish();
      if (period === 0) {
        due = t;
        return send();
      }
      due += BigInt(Math.round(period));
      const waitMs = Number(due - t) / 1e6;
      if (waitMs >= 1) setTimeout(send, waitMs);
      else send(); // due now, or overdue: a timer cannot wait less than 1 ms
    }
    const firstWait = Number(due - now()) / 1e6;
    if (firstWait >= 1) setTimeout(send, firstWait);
    else send();
  });
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
  const ownCpu0 = process.cpuUsage();
  const t0 = now();
  const until = t0 + BigInt(Math.round(phase.duration * 1e9));
  await Promise.all(
    Array.from({ length: phase.clients }, (_, i) => runClient(i, phase, hists, until, counter)),
  );
  const seconds = Number(now() - t0) / 1e9;
  const cpu1 = processCpuMs(config.serverPid);
  const ownCpu = process.cpuUsage(ownCpu0);
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
    driverCpuUsPerReq: counter.n ? (ownCpu.user + ownCpu.system) / counter.n : null,
  });
}
emitResult({ phases: results, ...failures });
