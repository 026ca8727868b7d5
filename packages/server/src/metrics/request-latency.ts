// The per-request latency histogram (tessera_http_request_duration_seconds), observed on every
// response. prom-client's Histogram validates the labels, builds a hash string and looks a float
// bucket bound up as a property on each observation: about 2 µs, a measurable share of a request
// that costs 40. Here a series is found through nested maps and counted in a Float64Array; the
// registry still renders it (prom-client's `get()` shape), so /metrics is unchanged.
import type { Metric, Registry } from 'prom-client';

export interface RequestLatency {
  observe(method: string, route: string, status: number, seconds: number): void;
}

/** One line of the exposition, as prom-client's registry reads it from `get()`. */
interface Sample {
  labels: Record<string, string | number>;
  value: number;
  metricName: string;
}

interface Series {
  readonly labels: { method: string; route: string; status: string };
  /** Observations per bucket (not cumulative); the last slot counts those above every bound. */
  readonly counts: Float64Array;
  sum: number;
}

export function createRequestLatency(opts: {
  name: string;
  help: string;
  buckets: readonly number[];
  registers: Registry[];
}): RequestLatency {
  const bounds = [...opts.buckets].sort((a, b) => a - b);
  // route → method → status → series: lookups on strings the router already interned, no key
  // string built per request.
  const index = new Map<string, Map<string, Map<number, Series>>>();
  const all: Series[] = [];

  function seriesOf(method: string, route: string, status: number): Series {
    let byMethod = index.get(route);
    if (byMethod === undefined) {
      byMethod = new Map();
      index.set(route, byMethod);
    }
    let byStatus = byMethod.get(method);
    if (byStatus === undefined) {
      byStatus = new Map();
      byMethod.set(method, byStatus);
    }
    let series = byStatus.get(status);
    if (series === undefined) {
      series = {
        labels: { method, route, status: String(status) },
        counts: new Float64Array(bounds.length + 1),
        sum: 0,
      };
      byStatus.set(status, series);
      all.push(series);
    }
    return series;
  }

  const metric = {
    name: opts.name,
    help: opts.help,
    type: 'histogram',
    aggregator: 'sum',
    async get() {
      const values: Sample[] = [];
      for (const s of all) {
        let cumulative = 0;
        for (let i = 0; i < bounds.length; i++) {
          cumulative += s.counts[i] as number;
          values.push({
            labels: { le: bounds[i] as number, ...s.labels },
            value: cumulative,
            metricName: `${opts.name}_bucket`,
          });
        }
        const count = cumulative + (s.counts[bounds.length] as number);
        values.push({ labels: { le: '+Inf', ...s.labels }, value: count, metricName: `${opts.name}_bucket` });
        values.push({ labels: { ...s.labels }, value: s.sum, metricName: `${opts.name}_sum` });
        values.push({ labels: { ...s.labels }, value: count, metricName: `${opts.name}_count` });
      }
      return { name: opts.name, help: opts.help, type: 'histogram', values, aggregator: 'sum' };
    },
    reset(): void {
      for (const s of all) {
        s.counts.fill(0);
        s.sum = 0;
      }
    },
  };
  for (const registry of opts.registers) registry.registerMetric(metric as unknown as Metric);

  return {
    observe(method, route, status, seconds) {
      const s = seriesOf(method, route, status);
      let i = 0;
      while (i < bounds.length && seconds > (bounds[i] as number)) i++;
      s.counts[i] = (s.counts[i] as number) + 1;
      s.sum += seconds;
    },
  };
}
