// Prometheus metrics (prom-client), one registry per server instance so tests can run several.
// Routes and services only call the small counting methods; names and labels live here.
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { createRequestLatency } from './request-latency.js';

export interface Metrics {
  /** Safe for anyone allowed to scrape: nothing here tells whether an account exists. */
  readonly registry: Registry;
  /**
   * Series that reveal account existence (why a login failed: unknown user, wrong password,
   * disabled). Served only with the metrics token or to loopback (routes/metrics.ts).
   */
  readonly detailRegistry: Registry;
  tokenIssued(kind: 'login' | 'refresh' | 'client_credentials'): void;
  loginFailed(reason: string): void;
  refreshReuseDetected(): void;
  rateLimited(limit: string): void;
  /** A failed verification of an access token, by core error code (ERR_JWT_EXPIRED, ...). */
  verifyFailed(code: string): void;
  /** One HTTP request: route pattern (never the raw URL), method, status, seconds. */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
}

export interface CreateMetricsOptions {
  /** Seconds since the signing key was activated; read at scrape time. */
  keyAge?: () => number;
  /** Live entries of the in-memory deny-list; read at scrape time. */
  denyListSize?: () => number;
  /** Node process metrics (CPU, memory, event loop). Default true. */
  processMetrics?: boolean;
}

export function createMetrics(opts: CreateMetricsOptions = {}): Metrics {
  const registry = new Registry();
  const detailRegistry = new Registry();
  // Standard names (process_cpu_seconds_total, nodejs_heap_size_used_bytes...): stock dashboards work.
  if (opts.processMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const tokensIssued = new Counter({
    name: 'tessera_tokens_issued_total',
    help: 'Access tokens issued, by grant (login, refresh, client_credentials)',
    labelNames: ['kind'] as const,
    registers,
  });
  const verifyFailures = new Counter({
    name: 'tessera_token_verify_failures_total',
    help: 'Access token verifications that failed, by error code',
    labelNames: ['code'] as const,
    registers,
  });
  const logins = new Counter({
    name: 'tessera_logins_total',
    help: 'Login attempts by outcome: success or failed (no reason: reasons reveal which accounts exist)',
    labelNames: ['outcome'] as const,
    registers,
  });
  // `unknown_user` against `wrong_password` tells an observer which emails have accounts.
  const loginFailures = new Counter({
    name: 'tessera_login_failures_total',
    help: 'Failed logins by reason (reveals account existence: token or loopback only)',
    labelNames: ['reason'] as const,
    registers: [detailRegistry],
  });
  const reuse = new Counter({
    name: 'tessera_refresh_reuse_detected_total',
    help: 'Spent refresh tokens presented again (the family was revoked)',
    registers,
  });
  const limited = new Counter({
    name: 'tessera_rate_limited_total',
    help: 'Requests refused by a rate limit, by limit',
    labelNames: ['limit'] as const,
    registers,
  });
  const latency = createRequestLatency({
    name: 'tessera_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern, method and status code',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  new Gauge({
    name: 'tessera_signing_key_age_seconds',
    help: 'Seconds since the current signing key became active',
    registers,
    collect() {
      this.set(opts.keyAge?.() ?? 0);
    },
  });
  new Gauge({
    name: 'tessera_revocations_live',
    help: 'Live entries in the in-memory revocation deny-list',
    registers,
    collect() {
      this.set(opts.denyListSize?.() ?? 0);
    },
  });
  // Pre-create the common series so dashboards see zeros instead of gaps.
  for (const kind of ['login', 'refresh', 'client_credentials']) tokensIssued.labels(kind).inc(0);
  logins.labels('success').inc(0);
  logins.labels('failed').inc(0);
  reuse.inc(0);

  // The children of the per-grant counter, looked up once: labels() builds a key string per call,
  // and tokenIssued runs on every login and refresh.
  const issuedByKind = new Map<string, { inc(): void }>();
  const loginSuccess = logins.labels('success');

  return {
    registry,
    detailRegistry,
    tokenIssued(kind) {
      let child = issuedByKind.get(kind);
      if (child === undefined) {
        child = tokensIssued.labels(kind);
        issuedByKind.set(kind, child);
      }
      child.inc();
      if (kind === 'login') loginSuccess.inc();
    },
    loginFailed(reason) {
      logins.labels('failed').inc();
      loginFailures.labels(reason).inc();
    },
    refreshReuseDetected: () => reuse.inc(),
    rateLimited: (limit) => limited.labels(limit).inc(),
    verifyFailed: (code) => verifyFailures.labels(code).inc(),
    observeRequest: latency.observe,
  };
}
