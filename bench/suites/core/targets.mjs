// The core engine's performance targets (informational: printed pass/miss, never failing a run).
// Judged on the wall-clock medians; the verdict on the CPU-time medians is given beside it, since on
// a busy shared machine the wall clock also measures the neighbours.

import { fmtUs, target } from '../../lib/table.mjs';

const by = (samples, name) => samples.find((s) => s.name === name);

/** `a` at most `factor` times `b` (strictly below when `strict`), on wall and on CPU time. */
function compare(label, a, b, factor = 1, strict = false) {
  const ok = (x, y) => (strict ? x < factor * y : x <= factor * y);
  const cpuOk = ok(a.cpuUsPerOp, b.cpuUsPerOp);
  const detail =
    `${a.name} ${fmtUs(a.usPerOp)} vs ${b.name} ${fmtUs(b.usPerOp)} µs (${(a.usPerOp / b.usPerOp).toFixed(2)}x; ` +
    `cpu ${(a.cpuUsPerOp / b.cpuUsPerOp).toFixed(2)}x ${cpuOk ? 'pass' : 'miss'})`;
  return { ...target(label, ok(a.usPerOp, b.usPerOp), detail), cpuOk };
}

/** Targets for one algorithm's verify and sign results. */
export function algTargets(alg, verify, sign) {
  const out = [];
  const t = by(verify, 'tessera');
  const fd = by(verify, 'floor+decode');
  const peers = verify.filter((s) => s.group === 'peer');
  const fastest = peers.reduce((a, b) => (a.usPerOp <= b.usPerOp ? a : b));
  if (!t) {
    out.push(target(`${alg} verify`, null, 'tessera not measured'));
  } else {
    out.push(compare(`${alg} verify within 1.10x of floor+decode`, t, fd, 1.1));
    if (alg.startsWith('HS')) {
      out.push(compare(`${alg} verify at or below floor+decode`, t, fd));
      const c = compare(`${alg} verify faster than every peer`, t, fastest, 1, true);
      out.push({ ...c, cpuOk: peers.every((p) => t.cpuUsPerOp < p.cpuUsPerOp) });
    } else {
      const c = compare(`${alg} verify no slower than the fastest peer`, t, fastest);
      out.push({ ...c, cpuOk: peers.every((p) => t.cpuUsPerOp <= p.cpuUsPerOp) });
    }
  }
  const tc = by(verify, 'tessera cached');
  const fc = by(verify, 'fast-jwt cached');
  if (tc) {
    const c = compare(`${alg} cache hit < 1 µs and faster than fast-jwt cached`, tc, fc, 1, true);
    out.push({ ...c, ok: c.ok && tc.usPerOp < 1, cpuOk: c.cpuOk && tc.cpuUsPerOp < 1 });
  }
  const ts = by(sign, 'tessera');
  const sf = by(sign, 'floor');
  if (ts) out.push(compare(`${alg} sign within 1.15x of floor`, ts, sf, 1.15));
  return out;
}

/** The 420-byte budget of a default access token. */
export function sizeTarget(bytes) {
  if (bytes === null) return target('default ES256 access token <= 420 bytes', null, 'tessera not built');
  return target('default ES256 access token <= 420 bytes', bytes <= 420, `${bytes} bytes`);
}
