// Instructions per operation, counted by valgrind (cachegrind, no cache simulation): a slow but
// noise-free way to compare two contenders on a machine too busy for timings to settle a 5-10%
// question. Each contender runs twice in a fresh process, with N = 0 and N = --ops operations after
// the same 3000-op warm-up; the difference divided by N is its cost per op.
//
// Usage: node bench/suites/core/instructions.mjs ALG [verify|sign] CONTENDER... [--ops=20000] [--core=DIR]
//   e.g. node bench/suites/core/instructions.mjs HS256 verify floor+decode tessera
// (DIR: an alternative compiled @tessera/core, e.g. a patched copy of packages/core/dist/src, to
// measure a proposed change before making it.) Takes minutes per contender; not part of `run.mjs`.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { makeKeys, tokenSet } from './fixtures.mjs';
import { signContenders } from './sign-contenders.mjs';
import { loadTessera } from './tessera.mjs';
import { verifyContenders } from './verify-contenders.mjs';

const WARMUP = 3000;
const argv = process.argv.slice(2);
const opt = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const [alg, op, ...names] = argv.filter((a) => !a.startsWith('--'));

async function loadCore() {
  const dir = opt('core');
  if (dir) return import(new URL(`file://${dir.replace(/\/$/, '')}/index.js`).href);
  return (await loadTessera()).core;
}

if (opt('child') !== undefined) {
  // Child: run one contender WARMUP + N times.
  const core = await loadCore();
  const keys = makeKeys(alg);
  const tokens = tokenSet(keys);
  const claims = { sub: tokens.payload.sub, sid: tokens.payload.sid, roles: tokens.payload.roles };
  const list = op === 'sign' ? signContenders(keys, claims, core) : verifyContenders(keys, core);
  const c = list.find((x) => x.name === names[0]);
  if (!c || c.async) throw new Error(`${names[0]}: no such synchronous ${op} contender`);
  const arg = op === 'sign' ? c.arg : tokens.token;
  const n = WARMUP + Number(opt('child'));
  let r;
  for (let i = 0; i < n; i++) r = c.fn(arg);
  if (!r) throw new Error(`${c.name} failed`);
} else {
  if (!alg || !['verify', 'sign'].includes(op) || names.length === 0) {
    console.error('usage: instructions.mjs ALG verify|sign CONTENDER... [--ops=20000] [--core=DIR]');
    process.exit(2);
  }
  const ops = Number(opt('ops') ?? 20_000);
  const self = fileURLToPath(import.meta.url);
  const count = (name, n) => {
    const args = ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null'];
    const extra = opt('core') ? [`--core=${opt('core')}`] : [];
    const r = spawnSync(
      'valgrind',
      [...args, process.execPath, self, alg, op, name, `--child=${n}`, ...extra],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    const m = /I\s+refs:\s+([\d,]+)/.exec(r.stderr ?? '');
    if (r.status !== 0 || !m)
      throw new Error(`${name}: valgrind run failed (${r.error?.message ?? r.status})`);
    return Number(m[1].replaceAll(',', ''));
  };
  for (const name of names) {
    const perOp = (count(name, ops) - count(name, 0)) / ops;
    console.log(`${alg} ${op} ${name}: ${Math.round(perOp)} instructions/op`);
  }
}
