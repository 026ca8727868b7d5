import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMetrics } from './metrics.js';

describe('metrics', () => {
  test('process metrics keep the standard names stock Node.js dashboards query', async () => {
    const text = await createMetrics({}).registry.metrics();
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'process_start_time_seconds',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_seconds',
    ]) {
      assert.match(text, new RegExp(`^${name} `, 'm'), name);
    }
    assert.doesNotMatch(text, /tessera_process_|tessera_nodejs_/);
  });

  test('exposes every metric of the server with the counts given', async () => {
    const m = createMetrics({ keyAge: () => 42, denyListSize: () => 3, processMetrics: false });
    m.tokenIssued('login');
    m.tokenIssued('client_credentials');
    m.loginFailed('invalid_credentials');
    m.refreshReuseDetected();
    m.rateLimited('login_account');
    m.verifyFailed('ERR_JWT_EXPIRED');
    m.verifyFailed('ERR_JWT_EXPIRED');
    m.observeRequest('GET', '/v1/me', 200, 0.003);
    const text = await m.registry.metrics();
    assert.match(text, /tessera_tokens_issued_total\{kind="login"\} 1/);
    assert.match(text, /tessera_tokens_issued_total\{kind="refresh"\} 0/);
    assert.match(text, /tessera_tokens_issued_total\{kind="client_credentials"\} 1/);
    assert.match(text, /tessera_logins_total\{outcome="success"\} 1/);
    assert.match(text, /tessera_logins_total\{outcome="failed"\} 1/);
    // The reason a login failed tells whether the account exists: never in the public registry.
    assert.doesNotMatch(text, /invalid_credentials/);
    assert.match(
      await m.detailRegistry.metrics(),
      /tessera_login_failures_total\{reason="invalid_credentials"\} 1/,
    );
    assert.match(text, /tessera_refresh_reuse_detected_total 1/);
    assert.match(text, /tessera_rate_limited_total\{limit="login_account"\} 1/);
    assert.match(text, /tessera_token_verify_failures_total\{code="ERR_JWT_EXPIRED"\} 2/);
    assert.match(
      text,
      /tessera_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/v1\/me",status="200"\} 1/,
    );
    assert.match(text, /tessera_signing_key_age_seconds 42/);
    assert.match(text, /tessera_revocations_live 3/);
  });

  test('registries are per instance', async () => {
    const a = createMetrics({ processMetrics: false });
    const b = createMetrics({ processMetrics: false });
    a.refreshReuseDetected();
    assert.match(await b.registry.metrics(), /tessera_refresh_reuse_detected_total 0/);
  });
});
