#!/usr/bin/env node
// Benchmark runner. `node bench/run.mjs` runs every suite in bench/suites/*.mjs;
// `node bench/run.mjs core http-selfcheck` runs the named ones; `--quick` is a fast smoke run.
// Each suite runs in its own process (with --expose-gc) so one suite's JIT state and heap do not
// colour the next. Any suite failing (a contender that does not verify, an HTTP error) fails the run.

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SUITES_DIR = new URL('./suites/', import.meta.url);
const available = readdirSync(SUITES_DIR)
  .filter((f) => f.endsWith('.mjs'))
  .map((f) => f.slice(0, -'.mjs'.length))
  .sort((a, b) => (a === 'core' ? -1 : b === 'core' ? 1 : a.localeCompare(b)));

const argv = process.argv.slice(2);

// Child mode: run one suite in this process.
if (argv[0] === '--suite') {
  const [, name, ...args] = argv;
  const suite = await import(new URL(`${name}.mjs`, SUITES_DIR).href);
  await suite.run({ quick: args.includes('--quick'), args });
  process.exit(0);
}

if (argv.includes('--help') || argv.includes('-h')) {
  const lines = await Promise.all(
    available.map(
      async (n) => `  ${n.padEnd(16)} ${(await import(new URL(`${n}.mjs`, SUITES_DIR).href)).description}`,
    ),
  );
  console.log(
    `usage: node bench/run.mjs [suite...] [--quick] [suite options]\n\nsuites:\n${lines.join('\n')}\n\n` +
      'core options: --all (13 algorithms), --alg=ES256,HS256; --quick does not write results unless --write\nmiddleware options: --revocations runs the 1M-revocation benchmark under --quick too\nimport options: --lines=N (default 1,000,000), --logins=M per hash scheme (default 200)\nserver options: --profile=DIR (the auth server runs with --cpu-prof and leaves its profile in DIR)\ncluster: needs PostgreSQL and Redis (TESSERA_TEST_POSTGRES_URL, TESSERA_TEST_REDIS_URL, else scripts/services/*.sh) and a prior build',
  );
  process.exit(0);
}

const names = argv.filter((a) => !a.startsWith('-'));
const flags = argv.filter((a) => a.startsWith('-'));
const unknown = names.filter((n) => !available.includes(n));
if (unknown.length) {
  console.error(`unknown suite(s): ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}

const failed = [];
const started = Date.now();
for (const name of names.length ? names : available) {
  console.log(`\n### suite ${name}${flags.length ? ` (${flags.join(' ')})` : ''}`);
  const t0 = Date.now();
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', fileURLToPath(import.meta.url), '--suite', name, ...flags],
    {
      stdio: 'inherit',
    },
  );
  console.log(
    `### suite ${name}: ${r.status === 0 ? 'done' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  if (r.status !== 0) failed.push(name);
}
console.log(`\nbench finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
if (failed.length) {
  console.error(`FAILED suite(s): ${failed.join(', ')}`);
  process.exit(1);
}
