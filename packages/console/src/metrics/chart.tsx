// One live uPlot chart: per-second rates of a counter, one line per label value. The plot is rebuilt
// when a new label value shows up, resized with its box, and described in text for screen readers.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const COLORS = ['#0b5cad', '#a4141b', '#17612b', '#7a4d00', '#6a3d9a', '#00727a', '#444444'];

export interface Series {
  /** Seconds since the epoch, one per scrape. */
  times: number[];
  /** Per label value, the rate at each time (null before the label existed). */
  lines: Map<string, Array<number | null>>;
}

export function RateChart(props: { title: string; unit: string; series: Series }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<{ chart: uPlot; labels: string } | undefined>(undefined);
  const names = [...props.series.lines.keys()].sort();
  const labels = names.join('\u0000');

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const data: uPlot.AlignedData = [props.series.times, ...names.map((n) => props.series.lines.get(n)!)];
    if (!plot.current || plot.current.labels !== labels) {
      plot.current?.chart.destroy();
      const opts: uPlot.Options = {
        width: Math.max(260, el.clientWidth),
        height: 200,
        series: [
          {},
          ...names.map((n, i) => ({ label: n || 'total', stroke: COLORS[i % COLORS.length]!, width: 2 })),
        ],
        axes: [{}, { label: props.unit, size: 60 }],
        scales: {
          x: { time: true, auto: false },
          y: { range: (_u, _min, max) => [0, Math.max(1, max)] },
        },
        legend: { live: false },
        cursor: { show: false },
      };
      plot.current = { chart: new uPlot(opts, data, el), labels };
    }
    plot.current.chart.setData(data, false);
    // At least two minutes wide, ending now: the first points must not stretch the axis over days.
    const times = props.series.times;
    const last = times[times.length - 1] ?? Date.now() / 1000;
    plot.current.chart.setScale('x', { min: Math.min(times[0] ?? last, last - 120), max: last });
  });

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(() => {
      plot.current?.chart.setSize({ width: Math.max(260, el.clientWidth), height: 200 });
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.current?.chart.destroy();
      plot.current = undefined;
    };
  }, []);

  const latest = names.map((n) => {
    const values = props.series.lines.get(n)!;
    const v = values[values.length - 1];
    return `${n || 'total'}: ${v === null || v === undefined ? 'no data' : v.toFixed(2)}`;
  });
  return (
    <figure class="chart">
      <h2>{props.title}</h2>
      <div ref={box} aria-hidden="true" />
      <figcaption class="muted">
        Latest ({props.unit}): {latest.length > 0 ? latest.join('; ') : 'nothing yet'}
      </figcaption>
    </figure>
  );
}
