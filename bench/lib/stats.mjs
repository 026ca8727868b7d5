// Small statistics helpers shared by the micro and HTTP benchmarks.

/** Median of a non-empty list of numbers. */
export function median(values) {
  if (values.length === 0) throw new RangeError('median of an empty list');
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Half the range as a percentage of the median: a rough, outlier-honest noise figure. */
export function spread(values) {
  const m = median(values);
  if (m === 0) return 0;
  return ((Math.max(...values) - Math.min(...values)) / 2 / m) * 100;
}

/** Rounds to a number of significant digits, for tables and JSON that stay readable. */
export function round(value, digits = 3) {
  if (!Number.isFinite(value) || value === 0) return value;
  const p = digits - 1 - Math.floor(Math.log10(Math.abs(value)));
  const f = 10 ** Math.max(p, 0);
  return Math.round(value * f) / f;
}
