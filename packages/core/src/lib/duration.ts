// Durations in seconds: a number, a digit string, or units like '15m', '7d', '1h30m'.

const UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** Returns whole or fractional seconds; TypeError for anything else (negative, NaN, unknown unit). */
export function parseDuration(value: string | number, path = 'duration'): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new TypeError(`${path} must be a finite number >= 0`);
    return value;
  }
  if (typeof value !== 'string') throw new TypeError(`${path} must be a number of seconds or a string`);
  const s = value.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  // Sequence of <digits><unit>; each unit at most once, larger units first.
  let total = 0;
  let pos = 0;
  let lastUnit = Number.POSITIVE_INFINITY;
  const part = /(\d+)([smhdw])/y;
  while (pos < s.length) {
    part.lastIndex = pos;
    const m = part.exec(s);
    if (!m) throw new TypeError(`${path} is not a duration (examples: 900, '15m', '7d', '1h30m')`);
    const unit = UNITS[m[2]!]!;
    if (unit >= lastUnit) throw new TypeError(`${path} lists units out of order`);
    lastUnit = unit;
    total += Number(m[1]) * unit;
    pos = part.lastIndex;
  }
  if (pos === 0) throw new TypeError(`${path} is empty`);
  return total;
}
