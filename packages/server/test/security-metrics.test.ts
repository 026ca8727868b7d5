// Attacker's side: /metrics must never tell an outsider which emails have accounts. Failed logins
// for an unknown email and for a wrong password are made first; then /metrics is read as the
// internet would read it (through a proxy: X-Forwarded-For), as loopback, and with the token.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN_EMAIL, startOpsServer } from './ops-support.js';
import { request, type TestServer } from './support/server-harness.js';

const METRICS_TOKEN = 'metrics-token-0123456789-abcdefghijklmnop';
const STRONG_MASTER_KEY = 'q7Jw0vZ3xN9bT2mK5pR8sL1dF4gH6jY0uC3eA7iO9kM';
const OUTSIDE = { 'x-forwarded-for': '203.0.113.9' };
const REVEALING = /unknown_user|wrong_password|invalid_credentials|disabled|tessera_login_failures_total/;

async function failLogins(url: string): Promise<void> {
  for (const email of ['nobody-here@example.com', ADMIN_EMAIL]) {
    const res = await request(url, 'POST', '/v1/auth/login', {
      body: { email, password: 'definitely the wrong password' },
    });
    assert.equal(res.status, 401);
  }
}

describe('/metrics and account enumeration', () => {
  describe('development, no token', () => {
    let s: TestServer;
    before(async () => {
      s = await startOpsServer();
      await failLogins(s.url);
    });
    after(() => s.stop(true));

    test('from outside (through a proxy): only a single `failed` outcome, no reasons', async () => {
      const res = await request(s.url, 'GET', '/metrics', { headers: OUTSIDE });
      assert.equal(res.status, 200);
      assert.match(res.text, /tessera_logins_total\{outcome="failed"\} 2/);
      assert.doesNotMatch(res.text, REVEALING);
    });

    test('from loopback: the reasons, for the operator', async () => {
      const res = await request(s.url, 'GET', '/metrics');
      assert.equal(res.status, 200);
      assert.match(res.text, /tessera_login_failures_total\{reason="[a-z_]+"\} [12]/);
    });
  });

  test('behind a trusted proxy, the client address decides, not the proxy', async () => {
    const s = await startOpsServer({ TESSERA_TRUSTED_PROXIES: '127.0.0.1/32' });
    try {
      await failLogins(s.url);
      const res = await request(s.url, 'GET', '/metrics', { headers: OUTSIDE });
      assert.equal(res.status, 200);
      assert.doesNotMatch(res.text, REVEALING);
    } finally {
      await s.stop(true);
    }
  });

  test('production without a token: refused beyond loopback, naming the variable', async () => {
    const s = await startOpsServer({ NODE_ENV: 'production', TESSERA_MASTER_KEY: STRONG_MASTER_KEY });
    try {
      const res = await request(s.url, 'GET', '/metrics', { headers: OUTSIDE });
      assert.equal(res.status, 403);
      assert.match(res.body.error_description, /TESSERA_METRICS_TOKEN/);
      assert.equal((await request(s.url, 'GET', '/metrics')).status, 200, 'loopback still scrapes');
    } finally {
      await s.stop(true);
    }
  });

  test('with a token: required from everywhere, and it shows the reasons', async () => {
    const s = await startOpsServer({ TESSERA_METRICS_TOKEN: METRICS_TOKEN });
    try {
      await failLogins(s.url);
      assert.equal((await request(s.url, 'GET', '/metrics')).status, 401);
      assert.equal((await request(s.url, 'GET', '/metrics', { headers: OUTSIDE })).status, 401);
      const res = await request(s.url, 'GET', '/metrics', { token: METRICS_TOKEN, headers: OUTSIDE });
      assert.equal(res.status, 200);
      assert.match(res.text, /tessera_login_failures_total\{reason="[a-z_]+"\} [12]/);
    } finally {
      await s.stop(true);
    }
  });
});
