// Admin · live charts of this server's metrics (GET /v1/admin/metrics every 3 s while the page is
// open): tokens issued, refreshes, verification failures by reason, logins by outcome and failure
// reason, rate limiting.
import { useEffect, useState } from 'preact/hooks';
import { RateChart, type Series } from '../metrics/chart.js';
import { byLabel, parsePrometheus } from '../metrics/prometheus.js';
import { ApiFailure, client, describeFailure } from '../session.js';
import { Alert } from '../ui/alert.js';

const INTERVAL_MS = 3_000;
const KEEP = 200; // 10 minutes of points

const CHARTS = [
  { id: 'issued', title: 'Tokens issued', metric: 'tessera_tokens_issued_total', label: 'kind' },
  {
    id: 'refresh',
    title: 'Refreshes',
    metric: 'tessera_tokens_issued_total',
    label: 'kind',
    only: 'refresh',
  },
  {
    id: 'reuse',
    title: 'Refresh reuse detected',
    metric: 'tessera_refresh_reuse_detected_total',
    label: undefined,
  },
  {
    id: 'verify',
    title: 'Verify failures by reason',
    metric: 'tessera_token_verify_failures_total',
    label: 'code',
  },
  { id: 'logins', title: 'Logins by outcome', metric: 'tessera_logins_total', label: 'outcome' },
  {
    id: 'failures',
    title: 'Login failures by reason',
    metric: 'tessera_login_failures_total',
    label: 'reason',
  },
  { id: 'limited', title: 'Rate-limited requests', metric: 'tessera_rate_limited_total', label: 'limit' },
] as const;

interface Scrape {
  at: number;
  totals: Map<string, Map<string, number>>;
}

function toSeries(scrapes: Scrape[], chart: (typeof CHARTS)[number]): Series {
  const times: number[] = [];
  const lines = new Map<string, Array<number | null>>();
  for (let i = 1; i < scrapes.length; i++) {
    const prev = scrapes[i - 1]!;
    const cur = scrapes[i]!;
    const seconds = (cur.at - prev.at) / 1000;
    times.push(cur.at / 1000);
    const now = cur.totals.get(chart.id)!;
    for (const [label, value] of now) {
      if ('only' in chart && label !== chart.only) continue;
      if (!lines.has(label)) lines.set(label, new Array(times.length - 1).fill(null));
      const before = prev.totals.get(chart.id)!.get(label) ?? 0;
      // A counter that went down means the server restarted: count from zero.
      const delta = value >= before ? value - before : value;
      lines.get(label)!.push(delta / seconds);
    }
    for (const values of lines.values()) if (values.length < times.length) values.push(null);
  }
  return { times, lines };
}

export function MetricsPage() {
  const [scrapes, setScrapes] = useState<Scrape[]>([]);
  const [error, setError] = useState<string>();

  useEffect(() => {
    let stopped = false;
    const scrape = async () => {
      try {
        // The admin route (the admin's access token), not /metrics: that one answers browsers
        // beyond loopback only with the scrapers' TESSERA_METRICS_TOKEN.
        const response = await client.fetch('/v1/admin/metrics', { headers: { accept: 'text/plain' } });
        if (!response.ok) {
          const body = await response.json().catch(() => ({}));
          throw new ApiFailure(
            response.status,
            body.error ?? `http_${response.status}`,
            body.error_description,
          );
        }
        const samples = parsePrometheus(await response.text());
        const totals = new Map(CHARTS.map((c) => [c.id, byLabel(samples, c.metric, c.label)]));
        if (!stopped) {
          setError(undefined);
          setScrapes((s) => [...s.slice(-KEEP), { at: Date.now(), totals }]);
        }
      } catch (err) {
        if (!stopped) setError(`Cannot read the metrics: ${describeFailure(err)}`);
      }
    };
    void scrape();
    const timer = setInterval(scrape, INTERVAL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);

  return (
    <section>
      <h1>Live charts</h1>
      <p class="lead">
        Per-second rates from this server's metrics, every {INTERVAL_MS / 1000} s while this page is open
        (this instance only).
      </p>
      {error ? <Alert kind="error">{error}</Alert> : null}
      {scrapes.length < 2 && !error ? <p role="status">Collecting the first points…</p> : null}
      <div class="charts">
        {CHARTS.map((c) => (
          <RateChart key={c.id} title={c.title} unit="per second" series={toSeries(scrapes, c)} />
        ))}
      </div>
    </section>
  );
}
