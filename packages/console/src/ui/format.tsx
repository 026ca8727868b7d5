// Dates and durations in words ("in 4 min", "3 h ago"), with the exact time for a title.

export function relativeTime(ms: number, now = Date.now()): string {
  const diff = Math.round((ms - now) / 1000);
  const abs = Math.abs(diff);
  // A time the server set a moment ago can sit a few hundred ms ahead of this clock: not "in 0 s".
  if (abs < 2) return 'just now';
  let text: string;
  if (abs < 60) text = `${abs} s`;
  else if (abs < 3600) text = `${Math.round(abs / 60)} min`;
  else if (abs < 86400 * 2) text = `${Math.round(abs / 3600)} h`;
  else text = `${Math.round(abs / 86400)} days`;
  return diff >= 0 ? `in ${text}` : `${text} ago`;
}

export function dateTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function When(props: { iso: string | null | undefined }) {
  if (!props.iso) return <span class="muted">—</span>;
  const ms = Date.parse(props.iso);
  return (
    <time dateTime={props.iso} title={props.iso}>
      {dateTime(ms)} <span class="muted">({relativeTime(ms)})</span>
    </time>
  );
}

/** ua-parser output like "Chrome 140 on Linux" is already readable; empty becomes "unknown device". */
export function deviceName(device: string | undefined): string {
  return device?.trim() ? device : 'Unknown device';
}
