// Suite `core`: JWS verify and sign per algorithm, Tessera against node:crypto floors and the peers
// (jose, jsonwebtoken, fast-jwt). Options: --all (all 13 algorithms), --alg=ES256,HS256, --quick.

import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { runIsolated } from '../lib/isolate.mjs';
import { writeResults } from '../lib/results.mjs';
import { round } from '../lib/stats.mjs';
import { fmtUs, formatTable, formatTargets, ratioTable } from '../lib/table.mjs';
import { ALL_ALGS, AUDIENCE, DEFAULT_ALGS, ISSUER, randomId } from './core/fixtures.mjs';
import { algTargets, sizeTarget } from './core/targets.mjs';
import { loadTessera } from './core/tessera.mjs';

export const description = 'core JWS verify/sign: floors, Tessera, jose, jsonwebtoken, fast-jwt';

const WORKER = fileURLToPath(new URL('./core/alg-worker.mjs', import.meta.url));

function pickAlgs(args) {
  const named = args.find((a) => a.startsWith('--alg='));
  if (named) {
    const algs = named.slice('--alg='.length).split(',');
    const unknown = algs.filter((a) => !ALL_ALGS.includes(a));
    if (unknown.length) throw new Error(`unknown algorithm(s): ${unknown.join(', ')}`);
    return algs;
  }
  return args.includes('--all') ? ALL_ALGS : DEFAULT_ALGS;
}

/** The default access token (ES256, Tessera's signer defaults) in bytes. */
async function defaultTokenBytes() {
  const { core } = await loadTessera();
  if (!core) return { bytes: null };
  const sign = core.createSigner({ key: core.generateKey('ES256'), issuer: ISSUER, audience: AUDIENCE });
  const token = sign({ sub: `u_${randomId()}`, roles: ['user'], sid: randomId() });
  const [h, p] = token.split('.');
  return {
    bytes: Buffer.byteLength(token),
    header: JSON.parse(Buffer.from(h, 'base64url').toString()),
    payload: JSON.parse(Buffer.from(p, 'base64url').toString()),
  };
}

function summary(perAlg) {
  const rows = perAlg.map(({ alg, verify, sign }) => {
    const get = (list, name) => list.find((s) => s.name === name)?.usPerOp;
    const peers = verify.filter((s) => s.group === 'peer');
    const fastest = peers.reduce((a, b) => (a.usPerOp <= b.usPerOp ? a : b));
    const t = get(verify, 'tessera');
    const ts = get(sign, 'tessera');
    const opt = (v, f = fmtUs) => (v === undefined ? '-' : f(v));
    return [
      alg,
      fmtUs(get(verify, 'floor+decode')),
      opt(t),
      opt(get(verify, 'tessera cached')),
      `${fastest.name} ${fmtUs(fastest.usPerOp)}`,
      opt(t, (v) => `${(v / get(verify, 'floor+decode')).toFixed(2)}x`),
      opt(t, (v) => `${(v / fastest.usPerOp).toFixed(2)}x`),
      opt(ts, (v) => `${fmtUs(v)} (${(v / get(sign, 'floor')).toFixed(2)}x)`),
    ];
  });
  return formatTable(
    ['alg', 'floor+dec', 'tessera', 'cached', 'fastest peer', 't/f+d', 't/peer', 'tessera sign (vs floor)'],
    rows,
  );
}

export async function run({ quick, args }) {
  const algs = pickAlgs(args);
  const loadavgAtStart = os.loadavg().map((l) => round(l, 3));
  const { reason } = await loadTessera();
  if (reason) console.log(`NOTE: Tessera rows skipped: ${reason}.`);
  const perAlg = [];
  const targets = [];
  for (const alg of algs) {
    const r = await runIsolated(WORKER, quick ? [alg, '--quick'] : [alg]);
    const v = ratioTable(r.verify, { baseline: 'floor+decode' });
    const s = ratioTable(r.sign, { baseline: 'floor' });
    const t = algTargets(alg, r.verify, r.sign);
    console.log(`\n${alg} verify (µs/op, median of rounds)\n${v.text}\n\n${alg} sign\n${s.text}\n`);
    const f = ratioTable(r.freshCache, { baseline: 'new string only' });
    console.log(`${alg} cache hit with a new token string per call (as from a request)\n${f.text}\n`);
    console.log(formatTargets(t));
    perAlg.push({ alg, tokenBytes: r.tokenBytes, verify: v.rows, sign: s.rows, freshCache: f.rows, raw: r });
    targets.push(...t);
  }

  const size = await defaultTokenBytes();
  const st = sizeTarget(size.bytes);
  targets.push(st);
  console.log(
    `\nDefault ES256 access token (Tessera signer, defaults): ${size.bytes ?? 'n/a'} bytes, budget 420`,
  );
  console.log(formatTargets([st]));
  console.log(`\nSummary (µs/op)\n${summary(perAlg.map((p) => p.raw))}`);
  const missed = targets.filter((t) => t.ok === false).length;
  const cpuMissed = targets.filter((t) => t.cpuOk === false).length;
  console.log(
    `\nTargets: ${targets.filter((t) => t.ok).length} pass, ${missed} miss on wall-clock medians; ` +
      `${cpuMissed} miss on CPU-time medians (informational)`,
  );

  const data = {
    quick,
    loadavgAtStart,
    tessera: reason ?? 'measured',
    defaultToken: size,
    algorithms: perAlg.map((p) => ({
      alg: p.alg,
      tokenBytes: p.tokenBytes,
      verify: p.verify,
      sign: p.sign,
      freshCache: p.freshCache,
      samples: Object.fromEntries(
        [
          ...p.raw.verify.map((s) => [`verify ${s.name}`, s]),
          ...p.raw.sign.map((s) => [`sign ${s.name}`, s]),
        ].map(([k, s]) => [k, { batch: s.batch, usPerOp: s.samples.map((x) => round(x, 4)) }]),
      ),
    })),
    targets,
  };
  if (quick && !args.includes('--write'))
    console.log('\n(--quick: results not written; add --write to keep them)');
  else console.log(`\nwrote ${writeResults('core', data)}`);
}
