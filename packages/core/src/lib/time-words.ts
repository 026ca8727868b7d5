// NumericDates in words for token explanations: `2026-11-23T17:12:00Z (3 minutes ago)`. Shared by
// `tessera token explain` and the console's token debugger, so both say the same thing.

/** ISO 8601 in UTC without milliseconds, from a NumericDate (seconds). */
export function isoDate(seconds: number): string {
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime())) return String(seconds);
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A rounded-down span in the largest sensible unit: `45 seconds`, `3 minutes`, `2 hours`, `4 days`. */
export function span(seconds: number): string {
  const s = Math.floor(Math.abs(seconds));
  const [n, unit] =
    s < 120
      ? [s, 'second']
      : s < 7200
        ? [Math.floor(s / 60), 'minute']
        : s < 172800
          ? [Math.floor(s / 3600), 'hour']
          : [Math.floor(s / 86400), 'day'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** `3 minutes ago` or `in 3 minutes`, relative to `now` (seconds). */
export function relative(seconds: number, now: number): string {
  const delta = seconds - now;
  if (Math.abs(delta) < 1) return 'now';
  return delta < 0 ? `${span(delta)} ago` : `in ${span(delta)}`;
}

/** `2026-11-23T17:12:00Z (3 minutes ago)` */
export function describeDate(seconds: number, now: number): string {
  return `${isoDate(seconds)} (${relative(seconds, now)})`;
}
