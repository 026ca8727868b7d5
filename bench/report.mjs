#!/usr/bin/env node
// Prints bench/results/latest-core.json as the Markdown tables of bench/README.md, so the README
// is updated from a result file instead of by hand: `node bench/report.mjs` prints them,
// `node bench/report.mjs --readme` replaces the block between the results markers in the README.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS_DIR } from './lib/results.mjs';
import { fmtUs } from './lib/table.mjs';

const data = JSON.parse(readFileSync(join(RESULTS_DIR, 'latest-core.json'), 'utf8'));
const env = data.environment;

const md = (headers, rows) =>
  [
    `| ${headers.join(' | ')} |`,
    `|${headers.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
const x = (v) => (v === null || v === undefined ? '-' : `${v.toFixed(2)}x`);

const out = [
  `Measured ${env.date.slice(0, 16).replace('T', ' ')} UTC: Node ${env.node} (OpenSSL ${env.openssl}), ` +
    `${env.cores} × ${env.cpu}, load average at start ${data.loadavgAtStart?.join(' / ') ?? '?'}. ` +
    `Median wall-clock µs/op of ${data.algorithms[0]?.samples['verify floor']?.usPerOp.length ?? '?'} interleaved rounds; ` +
    '"cpu" is the median CPU time per op of the process.',
  '',
];

const summary = data.algorithms.map((a) => {
  const v = (n) => a.verify.find((s) => s.name === n);
  const s = (n) => a.sign.find((r) => r.name === n);
  const peers = a.verify.filter((r) => r.group === 'peer');
  const fastest = peers.reduce((p, q) => (p.usPerOp <= q.usPerOp ? p : q));
  const t = v('tessera');
  return [
    a.alg,
    fmtUs(v('floor+decode').usPerOp),
    t ? fmtUs(t.usPerOp) : '-',
    v('tessera cached') ? fmtUs(v('tessera cached').usPerOp) : '-',
    `${fastest.name} ${fmtUs(fastest.usPerOp)}`,
    fmtUs(v('fast-jwt cached').usPerOp),
    x(t?.vsBaseline),
    x(t?.vsFastestPeer),
    s('tessera') ? `${fmtUs(s('tessera').usPerOp)} (${x(s('tessera').vsBaseline)})` : '-',
  ];
});
out.push(
  md(
    [
      'alg',
      'floor+decode',
      'tessera',
      'tessera cached',
      'fastest peer',
      'fast-jwt cached',
      'tessera / floor+decode',
      'tessera / fastest peer',
      'tessera sign (/ floor)',
    ],
    summary,
  ),
);

for (const a of data.algorithms) {
  out.push(
    '',
    `**${a.alg}** verify · sign (µs/op; ratios to floor+decode or floor, and to the fastest peer)`,
    '',
  );
  const row = (prefix, r, ratios = true) => [
    `${prefix}${r.name}`,
    fmtUs(r.usPerOp),
    fmtUs(r.cpuUsPerOp),
    ratios ? x(r.vsBaseline) : '',
    ratios ? x(r.vsFastestPeer) : '',
  ];
  const rows = [
    ...a.verify.map((r) => row('verify ', r)),
    ...a.sign.map((r) => row('sign ', r)),
    ...(a.freshCache ?? []).map((r) => row('cache hit, new string per call: ', r, false)),
  ];
  out.push(md(['contender', 'µs/op', 'cpu µs/op', 'vs floor', 'vs fastest peer'], rows));
}

out.push('', `Default ES256 access token: ${data.defaultToken?.bytes ?? 'n/a'} bytes (budget 420).`, '');
out.push('Targets (informational):', '');
for (const t of data.targets)
  out.push(`- ${t.ok === null ? 'n/a' : t.ok ? 'pass' : '**miss**'}: ${t.label} (${t.detail})`);
const text = out.join('\n');
if (process.argv.includes('--readme')) {
  const readme = new URL('./README.md', import.meta.url);
  const [start, end] = ['<!-- results:start -->', '<!-- results:end -->'];
  const old = readFileSync(readme, 'utf8');
  const a = old.indexOf(start);
  const b = old.indexOf(end);
  if (a < 0 || b < a) throw new Error('README.md has no results markers');
  writeFileSync(readme, `${old.slice(0, a + start.length)}\n${text}\n${old.slice(b)}`);
  console.log('README.md updated');
} else {
  console.log(text);
}
