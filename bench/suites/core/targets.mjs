// The core engine's performance targets (informational: printed pass/miss, never failing a run).

import { fmtUs, target } from '../../lib/table.mjs';

const by = (samples, name) => samples.find((s) => s.name === name);
const x = (a, b) => `${(a / b).toFixed(2)}x`;

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
    out.push(
      target(
        `${alg} verify within 1.10x of floor+decode`,
        t.usPerOp <= 1.1 * fd.usPerOp,
        `${fmtUs(t.usPerOp)} vs ${fmtUs(fd.usPerOp)} µs (${x(t.usPerOp, fd.usPerOp)})`,
      ),
    );
    if (alg.startsWith('HS')) {
      out.push(
        target(
          `${alg} verify at or below floor+decode`,
          t.usPerOp <= fd.usPerOp,
          `${x(t.usPerOp, fd.usPerOp)} of floor+decode`,
        ),
      );
      out.push(
        target(
          `${alg} verify faster than every peer`,
          t.usPerOp < fastest.usPerOp,
          `${fmtUs(t.usPerOp)} vs ${fastest.name} ${fmtUs(fastest.usPerOp)} µs (${x(t.usPerOp, fastest.usPerOp)})`,
        ),
      );
    } else {
      out.push(
        target(
          `${alg} verify no slower than the fastest peer`,
          t.usPerOp <= fastest.usPerOp,
          `${fmtUs(t.usPerOp)} vs ${fastest.name} ${fmtUs(fastest.usPerOp)} µs (${x(t.usPerOp, fastest.usPerOp)})`,
        ),
      );
    }
  }
  const tc = by(verify, 'tessera cached');
  const fc = by(verify, 'fast-jwt cached');
  if (tc) {
    out.push(
      target(
        `${alg} cache hit < 1 µs and faster than fast-jwt cached`,
        tc.usPerOp < 1 && tc.usPerOp < fc.usPerOp,
        `${fmtUs(tc.usPerOp)} vs ${fmtUs(fc.usPerOp)} µs`,
      ),
    );
  }
  const ts = by(sign, 'tessera');
  const sf = by(sign, 'floor');
  if (ts) {
    out.push(
      target(
        `${alg} sign within 1.15x of floor`,
        ts.usPerOp <= 1.15 * sf.usPerOp,
        `${fmtUs(ts.usPerOp)} vs ${fmtUs(sf.usPerOp)} µs (${x(ts.usPerOp, sf.usPerOp)})`,
      ),
    );
  }
  return out;
}

/** The token budget of DESIGN.md section 2. */
export function sizeTarget(bytes) {
  if (bytes === null) return target('default ES256 access token <= 420 bytes', null, 'tessera not built');
  return target('default ES256 access token <= 420 bytes', bytes <= 420, `${bytes} bytes`);
}
