import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Histogram, Registry } from 'prom-client';
import { createRequestLatency } from './request-latency.js';

describe('request latency histogram', () => {
  test("renders exactly what prom-client's Histogram renders for the same observations", async () => {
    const buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
    const ours = new Registry();
    const theirs = new Registry();
    const latency = createRequestLatency({ name: 'h', help: 'help text', buckets, registers: [ours] });
    const reference = new Histogram({
      name: 'h',
      help: 'help text',
      labelNames: ['method', 'route', 'status'] as const,
      buckets,
      registers: [theirs],
    });
    // Values on the bounds, between them, below the first and above the last, on several series.
    const values = [0, 0.0004, 0.001, 0.0011, 0.003, 0.005, 0.04, 0.1, 0.7, 2.5, 3, 12.25];
    const series: Array<[string, string, number]> = [
      ['GET', '/v1/me', 200],
      ['POST', '/v1/auth/refresh', 200],
      ['GET', '/v1/me', 401],
      ['GET', 'unmatched', 404],
    ];
    values.forEach((v, i) => {
      const [method, route, status] = series[i % series.length] as [string, string, number];
      latency.observe(method, route, status, v);
      reference.labels(method, route, String(status)).observe(v);
    });
    const text = await ours.metrics();
    assert.equal(text, await theirs.metrics());
    assert.match(text, /h_bucket\{le="\+Inf",method="GET",route="\/v1\/me",status="200"\} 3/);

    ours.resetMetrics();
    theirs.resetMetrics();
    latency.observe('GET', '/v1/me', 200, 0.002);
    reference.labels('GET', '/v1/me', '200').observe(0.002);
    // After a reset prom-client forgets its series; ours keeps them at zero (dashboards see zeros).
    assert.match(await ours.metrics(), /h_count\{method="GET",route="\/v1\/me",status="200"\} 1/);
    assert.match(await ours.metrics(), /h_count\{method="GET",route="unmatched",status="404"\} 0/);
  });
});
