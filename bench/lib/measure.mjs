// Interleaved micro-benchmark measurement.
//
// The machines are shared and noisy (2 cores), so one long run per contender would attribute a
// noisy minute to whoever ran in it. Instead every round runs one timed batch of every contender,
// round-robin with the start rotated each round, and each contender is reported by the MEDIAN of
// its per-round samples: noise hits all contenders alike and outliers drop out.

import { median, spread } from './stats.mjs';

/**
 * @typedef {object} Contender
 * @property {string} name
 * @property {(arg: unknown) => unknown} fn   the operation; receives `arg` on every call
 * @property {unknown} [arg]                   the operation's argument (e.g. the token)
 * @property {boolean} [async]                 await every call (its real cost, e.g. jose)
 * @property {string} [group]                  'floor' | 'tessera' | 'peer' (used by ratio tables)
 */

/**
 * @typedef {object} Sample
 * @property {string} name
 * @property {string} [group]
 * @property {number} usPerOp      median µs/op over the rounds
 * @property {number} opsPerSec
 * @property {number} spreadPct    (max - min) / 2 / median over the rounds, in percent
 * @property {number} batch        ops per timed batch
 * @property {number[]} samples    µs/op of every round
 * @property {number} cpuUsPerOp   median CPU µs/op (user + system of the process): on a shared
 *                                 machine it leaves out the time this process was not running
 */

const SINK = { value: undefined };

// A fresh loop per contender (new Function compiles new bytecode with its own feedback), so the
// call site inside the loop stays monomorphic instead of being shared by every contender.
function makeBatch(fn, arg, isAsync) {
  const body = isAsync
    ? 'return async function batch(n) { let r; for (let i = 0; i < n; i++) r = await fn(arg); sink.value = r; };'
    : 'return function batch(n) { let r; for (let i = 0; i < n; i++) r = fn(arg); sink.value = r; };';
  return new Function('fn', 'arg', 'sink', body)(fn, arg, SINK);
}

/** Times one batch of `n` ops; returns wall nanoseconds (and CPU µs of this process in `cpu`). */
const cpu = { us: 0 };
async function timeBatch(batch, n, isAsync) {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  if (isAsync) await batch(n);
  else batch(n);
  const ns = Number(process.hrtime.bigint() - t0);
  const c = process.cpuUsage(c0);
  cpu.us = c.user + c.system;
  return ns;
}

/**
 * Sizes the batch to take about `targetMs`. The cost per op is the fastest of a few probe batches:
 * a probe that was descheduled on a busy machine would otherwise shrink the batch to a handful of
 * ops and leave the samples dominated by timer and scheduler noise.
 */
async function calibrate(batch, isAsync, targetMs) {
  let n = 1;
  while (n < 1 << 26 && (await timeBatch(batch, n, isAsync)) < 1e6) n *= 2; // probes of >= 1 ms
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) best = Math.min(best, (await timeBatch(batch, n, isAsync)) / n);
  return Math.max(1, Math.round((targetMs * 1e6) / best));
}

function collect() {
  // Only with --expose-gc (bench/run.mjs starts suites that way): start every sample on a clean heap.
  if (typeof globalThis.gc === 'function') globalThis.gc();
}

/**
 * Measures contenders interleaved. Returns one Sample per contender, in the given order.
 * @param {Contender[]} contenders
 * @param {{ rounds?: number, targetMs?: number, warmupMs?: number }} [opts]
 * @returns {Promise<Sample[]>}
 */
export async function measureInterleaved(contenders, opts = {}) {
  const rounds = opts.rounds ?? 7;
  const targetMs = opts.targetMs ?? 60;
  const warmupMs = opts.warmupMs ?? 150;
  const runs = contenders.map((c) => ({
    c,
    isAsync: Boolean(c.async),
    batch: makeBatch(c.fn, c.arg, Boolean(c.async)),
    n: 1,
    samples: /** @type {number[]} */ ([]),
    cpuSamples: /** @type {number[]} */ ([]),
  }));

  // Warm-up: let the JIT optimise every contender before anything is timed, then size the batches.
  for (const r of runs) {
    const n = await calibrate(r.batch, r.isAsync, Math.max(5, warmupMs / 3));
    const deadline = process.hrtime.bigint() + BigInt(Math.round(warmupMs * 1e6));
    while (process.hrtime.bigint() < deadline) await timeBatch(r.batch, n, r.isAsync);
    r.n = await calibrate(r.batch, r.isAsync, targetMs);
  }

  // Round-robin with the start rotated each round, and the cycle reversed on odd rounds: with one
  // fixed cycle every contender would always follow the same one, and inherit its garbage and its
  // cache footprint every time.
  for (let round = 0; round < rounds; round++) {
    const cycle = round % 2 ? [...runs].reverse() : runs;
    for (let k = 0; k < cycle.length; k++) {
      const r = cycle[(round + k) % cycle.length];
      collect();
      const ns = await timeBatch(r.batch, r.n, r.isAsync);
      r.samples.push(ns / 1000 / r.n);
      r.cpuSamples.push(cpu.us / r.n);
    }
  }

  return runs.map((r) => {
    const us = median(r.samples);
    return {
      name: r.c.name,
      group: r.c.group,
      usPerOp: us,
      opsPerSec: 1e6 / us,
      spreadPct: spread(r.samples),
      batch: r.n,
      samples: r.samples,
      cpuUsPerOp: median(r.cpuSamples),
    };
  });
}

/** The options of a run: `--quick` trades precision for a fast smoke run. */
export function measureOptions(quick) {
  return quick ? { rounds: 3, targetMs: 10, warmupMs: 30 } : { rounds: 7, targetMs: 50, warmupMs: 100 };
}

/**
 * Like measureInterleaved, but the async contenders get their own rounds, after the synchronous ones,
 * so the promise and thread-pool work of an async batch (jose's WebCrypto) cannot spill into the
 * next synchronous batch. The results keep the given order.
 * @param {Contender[]} contenders
 * @param {{ rounds?: number, targetMs?: number, warmupMs?: number }} [opts]
 */
export async function measureSyncThenAsync(contenders, opts = {}) {
  const sync = contenders.filter((c) => !c.async);
  const async = contenders.filter((c) => c.async);
  const results = [
    ...(await measureInterleaved(sync, opts)),
    ...(async.length ? await measureInterleaved(async, opts) : []),
  ];
  return contenders.map((c) => results[c.async ? sync.length + async.indexOf(c) : sync.indexOf(c)]);
}
