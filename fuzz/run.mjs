#!/usr/bin/env node
// npm run fuzz [-- --quick | --seconds N] [--only NAME,...]
// Runs every fuzz target for a bounded time (default 60 s each; --quick: a short CI run under a
// minute in all) and prints executions per target. Any finding (an untyped error, a forged token
// that verifies, a 5xx) is printed with its reproduction and makes the exit code 1. Results go to
// fuzz/results/last-run.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    only: { type: 'string' },
  },
});

// Seconds per target: quick sums to about 40 s of fuzzing (plus start-up).
const QUICK = {
  'coverage-guided': 6,
  'token-decode': 3,
  'token-verify': 4,
  'jwks-import': 4,
  'config-load': 3,
  'http-routes': 10,
};
// coverage-guided first: it must load @tessera/core itself, after V8 starts collecting coverage.
const targets = {
  'coverage-guided': async (s) => (await import('./targets/coverage-guided.mjs')).coverageGuidedTarget(s),
  'token-decode': async (s) => (await import('./targets/token.mjs')).decodeTarget(s),
  'token-verify': async (s) => (await import('./targets/token.mjs')).verifyTarget(s),
  'jwks-import': async (s) => (await import('./targets/jwks.mjs')).jwksTarget(s),
  'config-load': async (s) => (await import('./targets/config.mjs')).configTarget(s),
  'http-routes': async (s) => (await import('./targets/http.mjs')).httpTarget(s),
};

const selected = values.only ? values.only.split(',') : Object.keys(targets);
for (const name of selected) {
  if (!targets[name]) {
    console.error(`fuzz: unknown target ${name} (targets: ${Object.keys(targets).join(', ')})`);
    process.exit(2);
  }
}
const seconds = (name) => (values.seconds ? Number(values.seconds) : values.quick ? QUICK[name] : 60);
if (values.seconds && !(Number(values.seconds) > 0)) {
  console.error('fuzz: --seconds must be a positive number');
  process.exit(2);
}

const report = {
  mode: values.quick ? 'quick' : 'full',
  startedAt: new Date().toISOString(),
  node: process.version,
  targets: {},
};
let found = 0;
for (const name of selected) {
  const started = Date.now();
  const result = await targets[name](seconds(name));
  const elapsed = (Date.now() - started) / 1000;
  report.targets[name] = { seconds: Math.round(elapsed * 10) / 10, ...result };
  found += result.failures.length;
  const extra = result.blocks ? `, ${result.blocks} core blocks reached, corpus ${result.corpus}` : '';
  const st = result.statuses ? `, statuses ${JSON.stringify(result.statuses)}` : '';
  console.log(
    `${name.padEnd(16)} ${String(result.executions).padStart(8)} executions in ${elapsed.toFixed(1)} s${extra}${st}  ${result.failures.length ? 'FINDING' : 'ok'}`,
  );
  for (const f of result.failures) console.log(JSON.stringify(f, null, 2));
}
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/last-run.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
process.exit(found > 0 ? 1 : 0);
