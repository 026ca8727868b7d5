// The per-IP refresh limit on PostgreSQL without Redis, where the rotation's own statement takes
// the counter (one round trip): two real instances count together, unknown tokens count, the
// refused refresh spends nothing, the crossing is audited once, and the OAuth refresh grant counts
// on the same budget. Needs TESSERA_TEST_POSTGRES_URL.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { login, refresh, register, withDb } from './support/cluster-client.js';
import { type Cluster, clusterServices, startCluster } from './support/cluster-harness.js';
import { request } from './support/server-harness.js';

const services = clusterServices();

describe('refresh limit counted in the rotation (PostgreSQL alone, two instances)', {
  skip: services.skip,
}, () => {
  let cluster: Cluster;
  before(async () => {
    assert.ok(services.postgresUrl, 'services');
    cluster = await startCluster({
      postgresUrl: services.postgresUrl,
      size: 2,
      // 5 per window: too small for leases, so every refresh is counted in its own statement.
      env: { TESSERA_LOGIN_LIMIT_IP: '10000/15m', TESSERA_REFRESH_LIMIT_IP: '5/15m' },
    });
  });
  after(async () => {
    await cluster?.close();
  });

  const spentCount = () =>
    withDb(cluster.databaseUrl, async (c) =>
      Number(
        (await c.query('select count(*) as n from refresh_tokens where spent_at is not null')).rows[0].n,
      ),
    );

  test('the sixth refresh from one address is 429 on either instance, and spends nothing', async () => {
    const [a, b] = cluster.instances;
    assert.ok(a && b);
    const email = await register(a.url);
    let token = (await login(a.url, email)).refreshToken;
    // 1-3: rotations alternating between the instances; 4: a well-formed unknown token (counted).
    for (const [n, i] of [a, b, a].entries()) {
      const res = await refresh(i.url, token);
      assert.equal(res.status, 200, `refresh ${n + 1} on ${i.name}: ${res.text}`);
      token = res.body.refresh_token;
    }
    assert.equal((await refresh(b.url, randomBytes(32).toString('base64url'))).status, 401);
    // 5: through the OAuth token endpoint, the same budget.
    const grant = await request(a.url, 'POST', '/v1/oauth/token', {
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(grant.status, 200, grant.text);
    token = grant.body.refresh_token;

    const spent = await spentCount();
    for (const i of [b, a]) {
      const res = await refresh(i.url, token);
      assert.equal(res.status, 429, `${i.name}: ${res.text}`);
      assert.ok(Number(res.headers.get('retry-after')) > 0, 'Retry-After');
      assert.equal(res.headers.get('ratelimit-limit'), '5');
    }
    assert.equal(await spentCount(), spent, 'a refused refresh spends no token');

    // Audited once, by whichever instance crossed the limit.
    const audited = await withDb(cluster.databaseUrl, async (c) =>
      Number(
        (await c.query("select count(*) as n from audit_events where event = 'rate_limited'")).rows[0].n,
      ),
    );
    assert.equal(audited, 1);
    // The counter is rate-limiter-flexible's row, counted by both paths together.
    const row = await withDb(
      cluster.databaseUrl,
      async (c) =>
        (await c.query("select points from tessera_rate_limits where key like 'tessera_refresh_ip:%'")).rows,
    );
    assert.equal(row.length, 1);
    // Five taken, two refused: every request counted once.
    assert.equal(Number(row[0].points), 7);
  });
});
