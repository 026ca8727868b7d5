// Reads the Prometheus text format (the lines the console charts need: counters with labels).

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, '$1');
    const value = Number(m[3]);
    if (Number.isFinite(value)) samples.push({ name: m[1]!, labels, value });
  }
  return samples;
}

/** Sum of a counter's samples by one label's value (e.g. tokens issued by kind). */
export function byLabel(samples: Sample[], name: string, label: string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    if (s.name !== name) continue;
    const key = label ? (s.labels[label] ?? '') : 'total';
    out.set(key, (out.get(key) ?? 0) + s.value);
  }
  return out;
}
