// Text tables for benchmark results: contenders with ratios to a baseline and to the fastest peer,
// and informational targets marked pass/miss (a benchmark never fails on speed).

import { round } from './stats.mjs';

/** Left-aligns the first column and right-aligns the rest. */
export function formatTable(headers, rows) {
  const cells = [headers, ...rows].map((r) => r.map((c) => String(c)));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join(
    '\n',
  );
}

function ratio(value, base) {
  return base ? `${round(value / base, 3).toFixed(2)}x` : '-';
}

/**
 * Adds ratios to a list of samples and formats it.
 * `baseline` names the row every ratio is taken against (e.g. 'floor+decode'); the fastest peer
 * is the fastest sample whose group is 'peer' (floors and Tessera itself are excluded).
 * @param {import('./measure.mjs').Sample[]} samples
 * @param {{ baseline?: string }} [opts]
 */
export function ratioTable(samples, opts = {}) {
  const base = opts.baseline ? samples.find((s) => s.name === opts.baseline) : undefined;
  const peers = samples.filter((s) => s.group === 'peer');
  const fastestPeer = peers.length ? peers.reduce((a, b) => (a.usPerOp <= b.usPerOp ? a : b)) : undefined;
  const rows = samples.map((s) => ({
    name: s.name,
    group: s.group,
    usPerOp: round(s.usPerOp, 4),
    spreadPct: round(s.spreadPct, 2),
    cpuUsPerOp: round(s.cpuUsPerOp, 4),
    vsBaseline: base ? round(s.usPerOp / base.usPerOp, 3) : null,
    vsFastestPeer: fastestPeer ? round(s.usPerOp / fastestPeer.usPerOp, 3) : null,
  }));
  const text = formatTable(
    [
      'contender',
      'µs/op',
      '±%',
      'cpu µs',
      `vs ${base?.name ?? 'baseline'}`,
      `vs ${fastestPeer?.name ?? 'peer'}`,
    ],
    samples.map((s) => [
      s.name,
      fmtUs(s.usPerOp),
      s.spreadPct.toFixed(1),
      fmtUs(s.cpuUsPerOp),
      ratio(s.usPerOp, base?.usPerOp),
      ratio(s.usPerOp, fastestPeer?.usPerOp),
    ]),
  );
  return { rows, text, fastestPeer: fastestPeer?.name ?? null };
}

/** µs with precision that suits the magnitude. */
export function fmtUs(us) {
  if (us < 10) return us.toFixed(3);
  if (us < 100) return us.toFixed(2);
  return us.toFixed(1);
}

/**
 * A target check: informational, printed as pass/miss.
 * @param {string} label
 * @param {boolean | null} ok   null when it cannot be judged (a contender is missing)
 * @param {string} detail
 */
export function target(label, ok, detail) {
  return { label, ok, detail };
}

export function formatTargets(targets) {
  return targets
    .map((t) => `  [${t.ok === null ? 'n/a ' : t.ok ? 'pass' : 'miss'}] ${t.label}: ${t.detail}`)
    .join('\n');
}
